"""Small files made on the spot: a photo of each accepted kind, a PDF, and files that lie."""

from __future__ import annotations

import io

from PIL import Image

PDF_BYTES = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
             b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
             b"trailer << /Root 1 0 R >>\n%%EOF\n")
# The start of a Windows program: what a ".jpg" from an unknown sender may really be.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


def photo(kind: str = "JPEG", size: tuple[int, int] = (800, 600), mode: str = "RGB") -> bytes:
    """An image of ``size`` in Pillow's format ``kind``."""
    out = io.BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else (200, 80, 40, 128)).save(out, kind)
    return out.getvalue()
