"""Where photo files live, behind a tiny interface (put/open/delete by key) so object storage can
replace the local folder without touching the services."""
from __future__ import annotations

import os
import re
import tempfile
from typing import BinaryIO

from flask import current_app

_KEY = re.compile(r"[a-z0-9][a-z0-9/_.-]{0,118}\Z")


class LocalFolderStorage:
    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def _path(self, key: str) -> str:
        # Keys are made by the server, never by a client; still, nothing may leave the root.
        if not _KEY.match(key) or ".." in key or "//" in key:
            raise ValueError(f"bad storage key {key!r}")
        return os.path.join(self.root, *key.split("/"))

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Write then rename: a reader never sees half a file, a crash leaves no torn one.
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def exists(self, key: str) -> bool:
        return os.path.exists(self._path(key))

    def delete(self, key: str) -> None:
        try:
            os.unlink(self._path(key))
        except FileNotFoundError:
            pass


def photo_storage() -> LocalFolderStorage:
    return LocalFolderStorage(current_app.config["PHOTO_DIR"])
