"""An S3-compatible server (moto's server mode) on 127.0.0.1 for the tests that go through the S3 protocol."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest

REGION = "eu-west-3"
KEY, SECRET = "test-key", "test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - our own server on the loopback
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the S3-compatible server (moto_server) did not start")
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def make_bucket(endpoint: str) -> dict:
    """A new bucket: its name, its STORAGE_URL, django-storages' options and a boto3 client."""
    from config.settings.base import object_storage_options

    name = f"grappe-{uuid.uuid4().hex[:12]}"
    url = f"s3://{KEY}:{SECRET}@{name}?endpoint_url={endpoint}&region_name={REGION}&addressing_style=path"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return {"name": name, "url": url, "options": object_storage_options(url), "client": client}


def keys(bucket: dict) -> list[str]:
    return [item["Key"] for item in bucket["client"].list_objects_v2(Bucket=bucket["name"]).get("Contents", [])]
