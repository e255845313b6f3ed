"""A file's type comes from its bytes; thumbnails are small, upright JPEGs."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from engine.attachments.files import MAX_PIXELS, PDF, detect_type, make_thumbnail
from tests.support.attachments import EXE_BYTES, PDF_BYTES, photo


@pytest.mark.parametrize(("kind", "content_type"), [("JPEG", "image/jpeg"),
                                                    ("PNG", "image/png"),
                                                    ("WEBP", "image/webp")])
def test_photos_are_known_by_their_bytes(kind: str, content_type: str) -> None:
    assert detect_type(photo(kind)) == content_type


def test_a_pdf_is_known_by_its_signature_at_both_ends() -> None:
    assert detect_type(PDF_BYTES) == PDF
    assert detect_type(PDF_BYTES.replace(b"%%EOF", b"")) is None


@pytest.mark.parametrize("data", [EXE_BYTES, b"GIF89a" + bytes(100), b"<html><script>",
                                  photo("GIF"), photo("BMP"), photo("JPEG")[:200]],
                         ids=["exe", "gif-header", "html", "gif", "bmp", "cut-jpeg"])
def test_other_files_are_refused_whatever_they_are_called(data: bytes) -> None:
    assert detect_type(data) is None


def test_an_image_too_large_to_decode_safely_is_refused() -> None:
    # A small PNG whose header claims more pixels than may be decoded: a "decompression bomb".
    side = int(MAX_PIXELS ** 0.5) + 10
    png = photo("PNG", size=(4, 4))
    header = b"IHDR" + struct.pack(">II", side, side) + png[24:29]
    bomb = png[:12] + header + struct.pack(">I", zlib.crc32(header)) + png[33:]
    assert detect_type(bomb) is None


@given(st.binary(max_size=2048))
def test_no_bytes_make_detection_fail(data: bytes) -> None:
    assert detect_type(data) in {None, PDF, "image/jpeg", "image/png", "image/webp"}


@pytest.mark.parametrize(("kind", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB")])
def test_a_thumbnail_is_a_small_jpeg(kind: str, mode: str) -> None:
    thumbnail = make_thumbnail(photo(kind, size=(1600, 900), mode=mode))

    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 180)
