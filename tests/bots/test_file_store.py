"""The file store: a local folder by default, an S3-compatible bucket when configured."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from bots.file_store import LocalFileStore, S3FileStore, choose_file_store
from core.config import Settings
from core.files import FileRef


def a_file() -> FileRef:
    return FileRef(platform="telegram", ref="AgAD-file-id", name="menu.pdf", size_bytes=4)


async def test_a_local_store_keeps_fetches_and_erases(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    key = a_file().key
    assert await store.get(key) is None
    await store.put(key, b"%PDF")
    assert await store.get(key) == b"%PDF"
    assert [p.name for p in (tmp_path / "files").iterdir()] == [key]  # no temporary left
    await store.delete(key)
    assert await store.get(key) is None
    await store.delete(key)  # erasing twice is fine


async def test_a_key_that_could_leave_the_folder_is_refused(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    with pytest.raises(ValueError, match="not a file store key"):
        await store.put("../escape", b"x")


async def test_an_s3_bucket_keeps_fetches_and_erases(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3").create_bucket(
            Bucket="pb-files", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        store = choose_file_store(Settings(files_s3_bucket="pb-files", files_s3_prefix="town/"))
        assert isinstance(store, S3FileStore)
        key = a_file().key
        assert await store.get(key) is None
        await store.put(key, b"%PDF")
        assert await store.get(key) == b"%PDF"
        listed = boto3.client("s3").list_objects_v2(Bucket="pb-files")["Contents"]
        assert [o["Key"] for o in listed] == [f"town/{key}"]
        await store.delete(key)
        assert await store.get(key) is None


def test_the_folder_is_the_default(tmp_path: Path) -> None:
    store = choose_file_store(Settings(files_dir=str(tmp_path)))
    assert isinstance(store, LocalFileStore) and store.folder == tmp_path
