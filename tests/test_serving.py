"""Serving as in production: WhiteNoise sends compressed, fingerprinted static files when
DEBUG is off; in development and in tests the files come from static/ without collectstatic."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_security_settings import run_manage

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_whitenoise_comes_right_after_the_security_middleware():
    position = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert settings.MIDDLEWARE[position + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"


@pytest.mark.django_db
def test_pages_render_in_tests_without_collectstatic(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "/static/css/app.css" in response.content.decode()


def test_production_collects_compressed_fingerprinted_files_and_serves_them(tmp_path):
    static_root = tmp_path / "static"
    collected = run_manage("collectstatic", "--noinput", STATIC_ROOT=str(static_root), **PRODUCTION)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["css/app.css"]
    assert hashed_css != "css/app.css"
    assert (static_root / f"{hashed_css}.gz").exists()
    assert (static_root / f"{hashed_css}.br").exists()

    script = (
        "from django.test import Client; import json\n"
        "c = Client()\n"
        "page = c.get('/anmelden/', secure=True)\n"
        "css = c.get('/static/" + hashed_css + "', secure=True, HTTP_ACCEPT_ENCODING='br, gzip')\n"
        "print(json.dumps({'status': page.status_code, 'page': page.content.decode(),"
        " 'css_status': css.status_code, 'encoding': css.get('Content-Encoding'),"
        " 'cache': css.get('Cache-Control'), 'storage': __import__('django.conf').conf"
        ".settings.STORAGES['staticfiles']['BACKEND']}))\n"
    )
    served = run_manage("shell", "-c", script, STATIC_ROOT=str(static_root), **PRODUCTION)
    assert served.returncode == 0, served.stdout + served.stderr
    result = json.loads(served.stdout.strip().splitlines()[-1])
    assert result["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert result["status"] == 200
    assert f"/static/{hashed_css}" in result["page"]
    assert result["css_status"] == 200
    assert result["encoding"] == "br"
    assert "immutable" in result["cache"]
