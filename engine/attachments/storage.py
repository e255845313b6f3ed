"""Where attached files' bytes are kept: a small protocol, and a folder that implements it.

Keys are random and made here, never from a file's name, so no upload can name
a path. An S3-compatible store fits the same protocol (a bucket, the key as the
object name) when one machine's disk is no longer enough.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from engine.common.errors import NotFound
from engine.common.settings import Settings

__all__ = ["FileStorage", "Storage", "new_key", "storage_for", "thumbnail_key"]

KEY = re.compile(r"(thumbnails/)?[0-9a-f]{2}/[0-9a-f]{32}")


class Storage(Protocol):
    """Keeps bytes under a key; ``get`` of an unknown key raises ``NotFound``."""

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    """A fresh random key; the first two characters fan the files out over 256 folders."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def thumbnail_key(key: str) -> str:
    """Where the thumbnail of the file under ``key`` is cached."""
    return f"thumbnails/{key}"


class FileStorage:
    """Files in a folder (the instance folder's ``uploads/``), one per key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file, even after a crash.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no stored file {key}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage_for(settings: Settings) -> Storage:
    """The store the settings name: for now always the instance folder's ``uploads/``."""
    return FileStorage(settings.uploads_path)
