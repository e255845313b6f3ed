"""What an uploaded file is, read from its bytes, and its thumbnail.

Pillow identifies an image by its signature and then checks its structure
(``verify``); we chose it over a signature-only library such as ``filetype``
because it is actively maintained, goes past the first bytes, and is needed
for the thumbnails anyway. It does not read PDF, whose signature (``%PDF-``
at the start, ``%%EOF`` near the end) is checked here. The file's name and the
browser's content type are never trusted.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

__all__ = ["IMAGE_TYPES", "PDF", "THUMBNAIL_SIZE", "detect_type", "make_thumbnail"]

PDF = "application/pdf"
# Pillow's format name -> the content type served. HEIC needs a plugin with a native
# library; phones send JPEG when a browser uploads, so it is left out.
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMBNAIL_SIZE = (320, 320)
# A phone photo has 12 to 50 megapixels; more is refused rather than decoded (a "bomb").
MAX_PIXELS = 80_000_000


def detect_type(data: bytes) -> str | None:
    """The content type of an accepted file (JPEG, PNG, WebP, PDF), or None."""
    if data.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in data[-2048:] else None
    try:
        with _open_image(data) as image:
            kind = image.format
            image.verify()
    except Exception:  # a malformed file may raise anything from a decoder: refused
        return None
    return IMAGE_TYPES.get(kind or "")


def make_thumbnail(data: bytes) -> bytes:
    """A JPEG at most ``THUMBNAIL_SIZE``, upright as the camera held it."""
    with _open_image(data) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail(THUMBNAIL_SIZE)
        if upright.mode not in ("RGB", "L"):
            # Transparency becomes white, as the page behind it is.
            background = Image.new("RGB", upright.size, "white")
            rgba = upright.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            upright = background
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=80)
        return out.getvalue()


def _open_image(data: bytes) -> Image.Image:
    """Open an image of an accepted format, refusing one too large to decode safely."""
    with warnings.catch_warnings():
        # Pillow only warns up to twice its own limit; here that is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data), formats=list(IMAGE_TYPES))
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise ValueError(f"{width}x{height} pixels is more than {MAX_PIXELS}")
    return image
