"""Photos in an S3-compatible object store (PHOTO_STORAGE=s3), through boto3.

Settings: S3_BUCKET (required), S3_ENDPOINT_URL (empty: AWS itself; a MinIO,
Ceph or a province's own store otherwise), S3_REGION, S3_PREFIX (``uploads/``);
credentials from boto3's usual chain (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, or the host's role). Photos are private objects: the
app reads them and serves them itself, no public link is ever made.

Whole or nothing: one PUT with Content-MD5, which the store checks before the
object exists under its key; an interrupted PUT leaves nothing. A multipart
upload left by a crash (none are made today, but another tool on the bucket
might) is aborted by the orphan sweep like a local ``.tmp`` file.

Short timeouts: an object store that does not answer makes an upload 503
(the phone keeps the photo and tries again), never a worker stuck for minutes.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterator, Mapping

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from services.photos.storage import StorageUnavailable, check_key

LOGGER = logging.getLogger("lienthong.storage")


class S3Store:
    def __init__(self, client, bucket: str, prefix: str = "uploads/") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    @classmethod
    def from_config(cls, config: Mapping) -> S3Store:
        bucket = config.get("S3_BUCKET") or ""
        if not bucket:
            raise ValueError("PHOTO_STORAGE is 's3' but S3_BUCKET is not set")
        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or "us-east-1",
            config=BotoConfig(
                connect_timeout=config.get("S3_TIMEOUT_SECONDS", 5),
                read_timeout=config.get("S3_TIMEOUT_SECONDS", 5) * 2,
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )
        return cls(client, bucket, config.get("S3_PREFIX", "uploads/"))

    def _key(self, key: str) -> str:
        return f"{self.prefix}{check_key(key)}"

    def save(self, key: str, data: bytes) -> None:
        digest = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data, ContentMD5=digest
            )
        except (BotoCoreError, ClientError) as error:
            raise _unavailable("store", error) from error

    def load(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except ClientError as error:
            if _code(error) in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from None
            raise _unavailable("read", error) from error
        except BotoCoreError as error:
            raise _unavailable("read", error) from error

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (BotoCoreError, ClientError) as error:
            raise _unavailable("delete", error) from error

    def size(self, key: str) -> int | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]
        except ClientError as error:
            if _code(error) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise _unavailable("read", error) from error

    def listing(self) -> Iterator[tuple[str, float, int]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                yield name, item["LastModified"].timestamp(), item["Size"]
        # Unfinished multipart uploads: the object store's half-written files.
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                name = f"{upload['Key'][len(self.prefix) :]}.multipart.{upload['UploadId']}"
                yield name, upload["Initiated"].timestamp(), 0

    def remove_leftover(self, name: str) -> None:
        if ".multipart." in name:
            key, upload_id = name.split(".multipart.", 1)
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=f"{self.prefix}{key}", UploadId=upload_id
            )
        else:
            self.client.delete_object(Bucket=self.bucket, Key=f"{self.prefix}{name}")

    def ready(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return True
        except (BotoCoreError, ClientError) as error:
            LOGGER.warning("Object store not ready: %s", type(error).__name__)
            return False


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unavailable(what: str, error: Exception) -> StorageUnavailable:
    LOGGER.warning("Object store could not %s a photo: %s", what, type(error).__name__)
    return StorageUnavailable(f"object store: {type(error).__name__}")
