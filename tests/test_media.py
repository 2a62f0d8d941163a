"""Public uploads (cluster logos) are served by Django in every environment; private files never are."""


def test_cluster_logos_are_served_without_debug_and_private_files_are_not(client, settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert client.get("/media/logos/logo.png").status_code == 200
    assert client.get("/media/../private/evidence.pdf").status_code in (400, 404)
    assert client.get("/media/%2e%2e/%2e%2e/config/settings/base.py").status_code in (400, 404)
    assert client.get("/media/logos/missing.png").status_code == 404
