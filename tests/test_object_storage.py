"""Files in an S3-compatible bucket (settings' STORAGE_URL, django-storages), through the real S3 protocol: a moto
server started on 127.0.0.1 for this module (moto's server mode), never a mock object in Python."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from storages.backends.s3 import S3Storage

from config.settings.base import object_storage_options
from labelling.models import Evidence
from labelling.services.answers import assessment_create
from tests import s3server
from tests.labelling import samples
from tests.s3server import free_port, keys, make_bucket

pytestmark = pytest.mark.django_db


_free_port = free_port
s3_endpoint = s3server.s3_endpoint  # the module's S3 server (a fixture)


@pytest.fixture
def bucket(s3_endpoint):
    return make_bucket(s3_endpoint)


def _storage(bucket, **extra) -> S3Storage:
    """As the settings build the private store from STORAGE_URL."""
    options = {
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "location": "private",
        "querystring_expire": 300,
    }
    return S3Storage(**bucket["options"], **{**options, **extra})


_keys = keys


@pytest.fixture
def answer_f1(framework, cluster, manager):
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    return assessment.answers.get(indicator__code="F1")


@pytest.fixture
def evidence_in(bucket, monkeypatch):
    """The private store of evidence files is the bucket (the field holds its storage since import)."""
    storage = _storage(bucket)
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storage)
    return storage


def test_storage_url_gives_the_bucket_the_keys_and_the_endpoint():
    options = object_storage_options("s3://AK%2FID:se%2Bcret@labels?endpoint_url=https://s3.example.eu&region_name=fr")
    assert options == {
        "bucket_name": "labels",
        "access_key": "AK/ID",
        "secret_key": "se+cret",
        "endpoint_url": "https://s3.example.eu",
        "region_name": "fr",
    }


def test_a_file_goes_to_the_bucket_and_comes_back_through_s3(bucket):
    storage = _storage(bucket)
    name = storage.save("reports/2026/12/x.pdf", samples.upload("x.pdf", samples.pdf_bytes()))

    assert _keys(bucket) == [f"private/{name}"]
    with storage.open(name, "rb") as handle:
        assert handle.read() == samples.pdf_bytes()
    storage.delete(name)
    assert _keys(bucket) == []


def test_evidence_uploaded_through_the_page_is_in_the_bucket_under_a_key_that_names_no_cluster(
    evidence_in, bucket, answer_f1, manager, client_for, settings
):
    local = Path(settings.PRIVATE_MEDIA_ROOT)
    before = set(local.rglob("*")) if local.exists() else set()  # other tests of this worker left their files
    upload = samples.upload("budget-cosmetic-valley.pdf", samples.pdf_bytes())
    response = client_for(manager).post(
        reverse("labelling:evidence_upload", args=[answer_f1.pk]), {"file": upload, "document_date": "2025-03-01"}
    )

    assert response.status_code == 302
    evidence = answer_f1.evidence.get()
    [key] = _keys(bucket)
    assert key == f"private/{evidence.file.name}"
    assert "cosmetic" not in key.lower() and "valley" not in key.lower() and "budget" not in key.lower()
    assert (set(local.rglob("*")) if local.exists() else set()) == before  # nothing on the local disk

    download = client_for(manager).get(reverse("labelling:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.pdf_bytes()
    assert "budget-cosmetic-valley.pdf" in download["Content-Disposition"]  # the name people gave it


def test_an_object_url_is_signed_and_short_lived(bucket):
    # Private files are streamed by Grappe after its permission check; a URL of an object, where one is made, is
    # signed for querystring_expire seconds. (moto does not enforce the expiry itself: a real bucket answers 403.)
    storage = _storage(bucket)
    name = storage.save("evidence/x.pdf", samples.upload("x.pdf", samples.pdf_bytes()))
    url = storage.url(name)

    assert "X-Amz-Expires=300" in url and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=5) as fresh:  # noqa: S310 - our own server on the loopback
        assert fresh.read() == samples.pdf_bytes()


def test_an_object_is_never_public(bucket):
    storage = _storage(bucket)
    name = storage.save("evidence/x.pdf", samples.upload("x.pdf", samples.pdf_bytes()))
    unsigned = f"{bucket['options']['endpoint_url']}/{bucket['name']}/private/{name}"

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=5)  # noqa: S310
    assert refused.value.code == 403


def test_a_bucket_that_is_down_answers_a_translated_503_and_loses_nothing(
    evidence_in, bucket, answer_f1, manager, monkeypatch
):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(manager)
    url = reverse("labelling:evidence_upload", args=[answer_f1.pk])
    first = client.post(url, {"file": samples.upload("a.pdf", samples.pdf_bytes()), "document_date": "2025-03-01"})
    assert first.status_code == 302
    kept = answer_f1.evidence.get()

    down = {**bucket["options"], "endpoint_url": f"http://127.0.0.1:{_free_port()}"}  # nothing listens there
    broken = S3Storage(**down, location="private", default_acl=None, file_overwrite=False)
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", broken)
    response = client.post(url, {"file": samples.upload("b.pdf", samples.pdf_bytes()), "document_date": "2025-03-01"})

    assert response.status_code == 503
    assert "stockage" in response.content.decode()  # « … son stockage de fichiers … », in French
    assert response["Retry-After"]
    assert list(answer_f1.evidence.all()) == [kept]  # nothing half-saved, nothing lost
    assert _keys(bucket) == [f"private/{kept.file.name}"]


@pytest.mark.django_db(transaction=True)
def test_the_backup_covers_the_bucket_and_restores_into_another(bucket, s3_endpoint, tmp_path):
    """bin/backup.py with STORAGE_URL: the bucket's private/ and media/ are packed, checked, and put back."""
    import json
    import os

    from django.conf import settings
    from django.db import connection

    from tests.worker import _database_url

    private = _storage(bucket)
    media = _storage(bucket, location="media", querystring_expire=3600)
    private.save("reports/2026/12/a.pdf", samples.upload("a.pdf", samples.pdf_bytes()))
    private.save("evidence/2026/12/b.pdf", samples.upload("b.pdf", b"%PDF-1.7 proof"))
    media.save("logos/c.png", samples.upload("c.png", samples.png_bytes(), "image/png"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "STORAGE_URL": bucket["url"],
    }

    def run(*args):
        result = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, "bin/backup.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    out = run("check", "--output", str(tmp_path / "backups"))
    assert "OK: the restored copy matches the backup." in out
    [folder] = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["private"]["files"] == 2 and manifest["media"]["files"] == 1

    restored = f"grappe-{uuid.uuid4().hex[:12]}"
    bucket["client"].create_bucket(Bucket=restored, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    env["STORAGE_URL"] = bucket["url"].replace(bucket["name"], restored)
    scratch = f"{connection.settings_dict['NAME'][:40]}_bucket_{uuid.uuid4().hex[:6]}"
    database_url = _database_url({**connection.settings_dict, "NAME": scratch})
    try:
        run("restore", str(folder), "--database-url", database_url, "--create", "--to-storage")
        keys = [o["Key"] for o in bucket["client"].list_objects_v2(Bucket=restored)["Contents"]]
        assert sorted(keys) == sorted(_keys(bucket))
    finally:
        import psycopg

        with psycopg.connect(_database_url({**connection.settings_dict, "NAME": "postgres"}), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


_SIGNED_URL_OF_THE_SETTINGS = """
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import storages
for alias in ("private", "default"):
    storage = storages[alias]
    print(storage.url(storage.save("expiry/x.txt", ContentFile(b"signed"))))
"""


@pytest.mark.parametrize("private_seconds", [None, 120])
def test_the_settings_sign_private_urls_for_the_configured_time_and_give_media_the_sites_own(bucket, private_seconds):
    """moto does not refuse a signed URL past its time (a real bucket answers 403; no S3 server that enforces it
    installs from the registries this machine reaches), so the expiry is read in the URL the settings' private
    store signs: X-Amz-Date is now and X-Amz-Expires the setting (STORAGE_PRIVATE_URL_SECONDS). The public media's
    URL is MEDIA_URL + key, on the site's own origin (core/media.py streams the object)."""
    import datetime
    import os
    from urllib.parse import parse_qs, urlsplit

    env = {**os.environ, "STORAGE_URL": bucket["url"], "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    if private_seconds:
        env["STORAGE_PRIVATE_URL_SECONDS"] = str(private_seconds)
    output = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", _SIGNED_URL_OF_THE_SETTINGS],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    private_url, media_url = output[-2:]

    query = parse_qs(urlsplit(private_url).query)
    assert query["X-Amz-Expires"] == [str(private_seconds or 300)]
    signed_at = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert abs((datetime.datetime.now(datetime.UTC) - signed_at).total_seconds()) < 120
    assert query["X-Amz-Signature"][0]
    with urllib.request.urlopen(private_url, timeout=5) as fresh:  # noqa: S310 - our own server on the loopback
        assert fresh.read() == b"signed"
    assert re.fullmatch(r"/media/expiry/x(_\w+)?\.txt", media_url), media_url  # no bucket host, no signature


# --- a bucket that does not answer, on download ------------------------------------------------------------


def _silent_port():
    """A socket that accepts connections (the kernel's backlog) and never answers: a bucket that hangs."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


def test_a_download_from_a_bucket_that_is_down_or_never_answers_is_a_translated_503_a_missing_file_a_404(
    evidence_in, bucket, answer_f1, manager, client_for, monkeypatch
):
    from botocore.config import Config

    upload = samples.upload("budget.pdf", samples.pdf_bytes())
    client_for(manager).post(
        reverse("labelling:evidence_upload", args=[answer_f1.pk]), {"file": upload, "document_date": "2025-03-01"}
    )
    evidence = answer_f1.evidence.get()
    url = reverse("labelling:evidence_download", args=[evidence.pk])
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(manager)
    quick = Config(connect_timeout=0.5, read_timeout=0.5, retries={"max_attempts": 1})
    field = Evidence._meta.get_field("file")

    with _silent_port() as silent:
        hangs = {**bucket["options"], "endpoint_url": f"http://127.0.0.1:{silent.getsockname()[1]}"}
        monkeypatch.setattr(field, "storage", S3Storage(**hangs, location="private", client_config=quick))
        response = client.get(url)  # botocore's ReadTimeoutError, an OSError too: not "the file is gone"
    assert response.status_code == 503
    assert "stockage" in response.content.decode()  # « … son stockage de fichiers … », in French
    assert response["Retry-After"]

    down = {**bucket["options"], "endpoint_url": f"http://127.0.0.1:{_free_port()}"}  # nothing listens there
    monkeypatch.setattr(field, "storage", S3Storage(**down, location="private", client_config=quick))
    assert client.get(url).status_code == 503

    monkeypatch.setattr(field, "storage", evidence_in)
    assert client.get(url).status_code == 200
    bucket["client"].delete_object(Bucket=bucket["name"], Key=f"private/{evidence.file.name}")
    assert client.get(url).status_code == 404  # the object is gone: not found


# --- public media (logos) from the site's own origin -------------------------------------------------------------


@pytest.fixture
def media_in(bucket, settings):
    """The public media's store is the bucket, as the settings build it from STORAGE_URL."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "core.storage.PublicMediaStorage",
            "OPTIONS": {**bucket["options"], "location": "media", "default_acl": None, "file_overwrite": False},
        },
    }
    from django.core.files.storage import storages

    return storages["default"]


def test_a_logo_in_the_bucket_is_shown_from_the_sites_own_origin(media_in, bucket, cluster, manager, client_for):
    from tests.clusters.test_views import profile_data

    owner = client_for(manager)
    logo = samples.upload("cosmetic-valley.png", samples.png_bytes(), "image/png")
    assert owner.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo)).status_code == 302
    cluster.refresh_from_db()
    assert _keys(bucket) == [f"media/{cluster.logo.name}"]

    page = owner.get(f"/clusters/{cluster.pk}/").content.decode()
    [src] = re.findall(r'class="cl-logo"\s+src="([^"]+)"', page)
    assert src == f"/media/{cluster.logo.name}"  # same origin: the CSP's img-src 'self' lets it in, no bucket host
    visitor = Client()
    image = visitor.get(src)
    assert image.status_code == 200
    assert b"".join(image.streaming_content) == samples.png_bytes()
    assert image["Content-Type"] == "image/png"
    assert image["Cache-Control"] == "public, max-age=3600"
    head = visitor.head(src)
    assert head.status_code == 200 and head["Content-Length"] == str(len(samples.png_bytes()))
    assert visitor.get(src, HTTP_IF_NONE_MATCH=image["ETag"]).status_code == 304
    assert visitor.post(src).status_code == 405

    private = _storage(bucket).save("evidence/x.pdf", samples.upload("x.pdf", samples.pdf_bytes()))
    for forged in (
        "/media/logos/missing.png",
        f"/media/../private/{private}",
        f"/media/%2e%2e/private/{private}",
        f"/media/logos/..%2f..%2fprivate/{private}",
        f"/media/logos//{cluster.logo.name.split('/')[-1]}",
        f"/media/logos\\..\\..\\private\\{private}",
        "/media/",
    ):
        assert visitor.get(forged).status_code == 404, forged


def test_an_admin_upload_named_after_the_cluster_is_stored_under_a_random_key(media_in, bucket, cluster, client_for):
    from tests import factories

    root = factories.AdministratorFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = _admin_form_data(client.get(url))
    data["logo"] = samples.upload("cosmetic-valley-logo.png", samples.png_bytes(), "image/png")
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    cluster.refresh_from_db()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", cluster.logo.name), cluster.logo.name
    [key] = _keys(bucket)
    assert key == f"media/{cluster.logo.name}"
    assert "cosmetic" not in key.lower() and "valley" not in key.lower()


def _admin_form_data(page) -> dict:
    """What the admin's change form would send back unchanged: its fields' values and the inlines' forms."""
    from django.db.models.fields.files import FieldFile

    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[field.html_name] = "on" if value is True else value
    return data
