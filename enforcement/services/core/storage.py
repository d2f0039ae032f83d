"""Every file the app keeps (photos, thumbnails, registry uploads waiting for import, evidence
packs) goes through one small interface — put / open / read / exists / delete / keys / ping, by
key — with two backends: a local folder (the default) and an S3-compatible object store (MinIO,
the object storage of government clouds), so app servers keep no state of their own."""

from __future__ import annotations

import io
import os
import re
import tempfile
from typing import BinaryIO, Iterator, Protocol

from flask import current_app

_KEY = re.compile(r"[a-z0-9][a-z0-9/_.-]{0,118}\Z")


def check_key(key: str) -> str:
    # Keys are made by the server, never by a client; still, nothing may leave the root.
    if not _KEY.match(key) or ".." in key or "//" in key:
        raise ValueError(f"bad storage key {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def open(self, key: str) -> BinaryIO: ...  # FileNotFoundError when absent
    def read(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def keys(self, prefix: str = "") -> Iterator[str]: ...
    def ping(self) -> None: ...  # raises when unreachable


class LocalFolderStorage:
    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def _path(self, key: str) -> str:
        return os.path.join(self.root, *check_key(key).split("/"))

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

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        return os.path.exists(self._path(key))

    def delete(self, key: str) -> None:
        try:
            os.unlink(self._path(key))
        except FileNotFoundError:
            pass

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not os.path.isdir(self.root):
            return
        for folder, _dirs, files in os.walk(self.root):
            for name in sorted(files):
                if name.startswith(".tmp-"):
                    continue
                key = os.path.relpath(os.path.join(folder, name), self.root).replace(os.sep, "/")
                if key.startswith(prefix):
                    yield key

    def ping(self) -> None:
        os.makedirs(self.root, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"storage folder not writable: {self.root}")


class S3Storage:
    """An S3-compatible bucket (boto3): endpoint, bucket and keys from the configuration."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        access_key: str,
        secret_key: str,
        region: str = "us-east-1",
        prefix: str = "",
        timeout: float = 10,
    ):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region or "us-east-1",
            config=Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> None:
        # One PUT: the object appears whole or not at all.
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.read(key))

    def read(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(key) from None
            raise
        return answer["Body"].read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]

    def ping(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


def from_config(config) -> Storage:
    backend = (config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "local":
        return LocalFolderStorage(config["PHOTO_DIR"])
    if backend == "s3":
        return S3Storage(
            endpoint_url=config.get("S3_ENDPOINT_URL", ""),
            bucket=config["S3_BUCKET"],
            access_key=config.get("S3_ACCESS_KEY_ID", ""),
            secret_key=config.get("S3_SECRET_ACCESS_KEY", ""),
            region=config.get("S3_REGION", "us-east-1"),
            prefix=config.get("S3_PREFIX", ""),
        )
    raise ValueError(f"STORAGE_BACKEND must be local or s3, not {backend!r}")


def file_storage() -> Storage:
    """The app's storage (one client per app: boto3 clients are thread-safe)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's documented way to the app
    found = app.extensions.get("file_storage")
    if found is None:
        found = app.extensions["file_storage"] = from_config(app.config)
    return found


#: The historical name: photos were the first files kept.
photo_storage = file_storage
