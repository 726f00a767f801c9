"""Where delivered files are kept once fetched: a local folder, or an S3-compatible bucket.

The folder is the default (`PARENTBRAIN_FILES_DIR`). With `PARENTBRAIN_FILES_S3_BUCKET` set,
files go to that bucket through boto3, the AWS SDK, which also speaks to MinIO, Backblaze B2
and other S3-compatible stores (`PARENTBRAIN_FILES_S3_ENDPOINT_URL`); credentials come the
usual AWS ways (environment, profile, instance role). boto3 is synchronous, so each call runs
in a worker thread and no chat waits on a file moving.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from core.config import Settings
from core.files import FileStore

SAFE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")


def _checked(key: str) -> str:
    if not SAFE_KEY.match(key):
        raise ValueError(f"not a file store key: {key!r}")
    return key


class LocalFileStore:
    """One file per key in a folder; written to a temporary name first, so a crash mid-write
    never leaves half a file under the real name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def put(self, key: str, content: bytes) -> None:
        await asyncio.to_thread(self._write, _checked(key), content)

    async def get(self, key: str) -> bytes | None:
        path = self.folder / _checked(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        (self.folder / _checked(key)).unlink(missing_ok=True)

    def _write(self, key: str, content: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, self.folder / key)


class S3FileStore:
    def __init__(self, bucket: str, *, endpoint_url: str | None = None, prefix: str = "") -> None:
        import boto3  # only deployments that use a bucket need it loaded

        self.bucket, self.prefix = bucket, prefix
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url)

    async def put(self, key: str, content: bytes) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.bucket,
            Key=self.prefix + _checked(key),
            Body=content,
        )

    async def get(self, key: str) -> bytes | None:
        try:
            found = await asyncio.to_thread(
                self.client.get_object, Bucket=self.bucket, Key=self.prefix + _checked(key)
            )
        except self.client.exceptions.NoSuchKey:
            return None
        body: bytes = await asyncio.to_thread(found["Body"].read)
        return body

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(
            self.client.delete_object, Bucket=self.bucket, Key=self.prefix + _checked(key)
        )


def choose_file_store(settings: Settings) -> FileStore:
    if settings.files_s3_bucket:
        return S3FileStore(
            settings.files_s3_bucket,
            endpoint_url=settings.files_s3_endpoint_url,
            prefix=settings.files_s3_prefix,
        )
    return LocalFileStore(Path(settings.files_dir))
