"""The ``s3_store`` fixture: uploads go to a fresh bucket of a local S3-compatible server for one test.

.ci/run starts moto's server mode and sets ``KITU_TEST_S3`` (e.g. ``http://127.0.0.1:5310``). Without it the
tests skip locally and FAIL under ``CI=true``, where a skipped object-storage test would hide a broken store.
Import the fixture into a test module with ``from kitu.core.tests.s3 import s3_store_fixture  # noqa: F401``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from config.settings.base import s3_upload_storage

REGION = "eu-central-1"


@dataclass(frozen=True)
class S3:
    endpoint: str
    bucket: str
    client: Any  # botocore's S3 client (untyped)

    def stored(self) -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def body(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def fetch(self, signed_url: str) -> requests.Response:
        """GET a signed URL as a browser would after the redirect."""
        return requests.get(signed_url, timeout=10)


def signed_url_seconds(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0])


def require_s3() -> str:
    endpoint = os.environ.get("KITU_TEST_S3", "")
    if endpoint:
        return endpoint
    reason = "KITU_TEST_S3 not set: the object-storage tests need a local S3-compatible server (.ci/run starts one)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: they must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(name="s3_store")
def s3_store_fixture(settings: Any) -> Iterator[S3]:
    endpoint = require_s3()
    bucket = f"kitu-test-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.KITU_S3_URL_SECONDS = 60
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_upload_storage(bucket, endpoint, REGION, "test", "test", 60),
    }
    try:
        yield S3(endpoint, bucket, client)
    finally:
        for key in S3(endpoint, bucket, client).stored():
            client.delete_object(Bucket=bucket, Key=key)
        client.delete_bucket(Bucket=bucket)
