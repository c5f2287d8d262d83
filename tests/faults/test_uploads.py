"""Uploads: a full disk gives a clear page and leaves nothing behind; files are checked by
content and size, and stored under instance/, never under static/."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import PriceIndexVersion, Role
from lithloop.services.booking import prices as price_service
from tests.conftest import csrf_token
from tests.factories import make_org, make_user
from tests.web.test_fleet import SAMPLE, confirm, manager, pack_count, upload  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def backend():
    """SQLite only: these faults are about files, not the database."""
    return "sqlite"


def _stored(app) -> list[Path]:
    folder = Path(app.config["INSTANCE_PATH"]) / "fleet_uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def clean_uploads(app):
    """The instance folder is shared by the test process: start and end without uploads."""
    for path in _stored(app):
        path.unlink()
    yield
    for path in _stored(app):
        path.unlink()


def no_space(fd):
    """fsync on a full disk: the bytes were handed to the file (delayed allocation), so a
    half-written file exists at that moment, and then the disk says it has no room."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def disk_full(monkeypatch):
    """Every fsync fails with ENOSPC."""
    monkeypatch.setattr(os, "fsync", no_space)


def test_a_full_disk_gives_a_clear_page_and_leaves_nothing_behind(
    app,
    client,
    manager,  # noqa: F811
    clean_uploads,
    disk_full,
):
    # Depends on web/uploads.store: on OSError it removes the temporary file and raises
    # UploadNotStored (507, the message); web/fleet.packs shows it on the register page.
    client.get("/lang/en")
    response = upload(client, SAMPLE.read_bytes())
    text = response.get_data(as_text=True)
    assert response.status_code == 507
    assert "disk is full" in text and "Nothing was saved or imported" in text
    assert 'name="token"' not in text  # no import button for a file that is not there
    assert _stored(app) == []  # neither the file nor a half-written part of it
    assert pack_count() == 0


def test_after_the_disk_has_room_again_the_same_upload_imports(
    app,
    client,
    manager,  # noqa: F811
    clean_uploads,
    monkeypatch,
):
    with monkeypatch.context() as full:
        full.setattr(os, "fsync", no_space)
        assert upload(client, SAMPLE.read_bytes()).status_code == 507
    preview = upload(client, SAMPLE.read_bytes())
    assert preview.status_code == 200
    found = _stored(app)
    # seen once in a fresh clone's `make test`: two files here (names them if it recurs)
    assert len(found) == 1, [(p.name, p.stat().st_size, p.stat().st_mtime) for p in found]
    (stored,) = found
    assert stored.read_bytes() == SAMPLE.read_bytes()  # whole, under instance/
    assert ROOT / "static" not in stored.parents and stored.name.endswith(".csv")
    assert SAMPLE.name not in stored.name  # a random name, never the client's
    assert confirm(client, preview.get_data(as_text=True)).status_code == 302
    # no data kept: only an empty marker, so that a late second press is told it was imported
    (marker,) = _stored(app)
    assert pack_count() == 40 and marker.suffix == ".imported" and marker.read_bytes() == b""


def test_a_workbook_posing_as_csv_is_refused_and_not_stored(
    app,
    client,
    manager,  # noqa: F811
    clean_uploads,
):
    client.get("/lang/en")
    workbook = b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8  # an .xlsx is a zip
    response = upload(client, workbook, name="fleet.csv")
    assert response.status_code == 422
    assert "UTF-8" in response.get_data(as_text=True)
    assert _stored(app) == []


def test_an_upload_over_the_request_limit_gets_a_friendly_413_page(app, client, manager):  # noqa: F811
    # Depends on web/errors.handle_http_exception and its 413 message.
    client.get("/lang/en")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, b"x" * (limit + 1))
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert f"at most {limit // 2**20} MB" in text and "<nav" in text  # the site's own page


def test_a_binary_price_file_is_refused_with_a_message(app, client, auth):
    price_service.ensure_default_index()
    admin = make_user(make_org(), role=Role.ADMIN)
    client.get("/lang/en")
    auth.login(admin.email)
    response = client.post(
        "/admin/prices/new",
        data={
            "csrf_token": csrf_token(client, "/admin/prices/new"),
            "version": "bin-1",
            "effective_date": "2026-11-01",
            "csv": (io.BytesIO(b"PK\x03\x04" + bytes(200)), "prices.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a CSV text file" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(PriceIndexVersion.id)).where(
                PriceIndexVersion.version == "bin-1"
            )
        )
        == 0
    )
