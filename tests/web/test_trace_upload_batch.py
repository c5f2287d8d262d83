"""The national platform's upload file a batch at a time: oldest deadlines first, bounded,
the rest counted on the page (overdue ones named), the next batch after marking this one."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from flask import current_app

from lithloop.extensions import db
from lithloop.models import PackEvent
from lithloop.services.packs import traceability, upload_batch
from tests.conftest import submit
from tests.pack_builders import utc
from tests.web.test_traceability import world  # noqa: F401  (the fixture)


def _codes(response) -> list[str]:
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    return [r["pack_code"] for r in rows]


def _batch_form(page: str) -> dict:
    form = page.split('name="through"', 1)[1].split("</form>", 1)[0]
    through = re.search(r'value="(\d+)"', form).group(1)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', form).group(1)
    return {"through": through, "digest": digest}


@pytest.fixture
def admin(client, auth, world):  # noqa: F811
    auth.login(world["admin"].email)
    client.get("/lang/en")
    return world


def test_the_upload_file_is_a_bounded_batch_oldest_deadline_first(app, client, admin):
    app.config["TRACE_UPLOAD_BATCH"] = 2
    packs = admin["packs"]
    page = client.get("/trace/").get_data(as_text=True)
    assert "The next file holds the 2 unreported handovers" in page
    assert "of 4 unreported in all; 1 of them are overdue" in page
    assert "2 more wait for the next files (0 of them overdue)" in page
    assert _codes(client.get("/trace/handovers.csv")) == [
        packs["overdue"].code,
        packs["soon"].code,
    ]
    link = re.search(r'href="(/trace/handovers\.csv\?through=\d+)"', page).group(1)
    assert _codes(client.get(link)) == [packs["overdue"].code, packs["soon"].code]


def test_marking_the_batch_brings_up_the_next(app, client, admin):
    app.config["TRACE_UPLOAD_BATCH"] = 2
    ids = admin["ids"]
    page = client.get("/trace/").get_data(as_text=True)
    response = submit(client, "/trace/reported", _batch_form(page), page="/trace/")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PackEvent, ids["overdue"]).reported_at is not None
    assert db.session.get(PackEvent, ids["soon"]).reported_at is not None
    assert db.session.get(PackEvent, ids["soon2"]).reported_at is None
    after = client.get("/trace/").get_data(as_text=True)
    assert "This file holds every unreported handover." in after
    assert _codes(client.get("/trace/handovers.csv"))[0] == admin["packs"]["soon2"].code


def test_overdue_handovers_beyond_the_batch_are_named_on_the_page(app, client, admin):
    app.config["TRACE_UPLOAD_BATCH"] = 1
    pack = admin["packs"]["overdue"]
    for n in range(3):  # 4 overdue in all, 1 in the file
        db.session.add(
            PackEvent(
                pack_id=pack.id,
                kind="dismantled",
                at=utc(2026, 2, 20, 2, n),
                organisation_id=admin["park"].id,
                data={},
                public=False,
                report_due=date(2026, 3, 5),
            )
        )
    db.session.commit()
    page = client.get("/trace/").get_data(as_text=True)
    rest = page.split('id="upload-rest"', 1)[1].split("</p>", 1)[0]
    assert "6 more wait for the next files (3 of them overdue)" in rest


def test_a_batch_that_changed_since_the_page_is_not_marked(app, client, admin):
    app.config["TRACE_UPLOAD_BATCH"] = 2
    ids = admin["ids"]
    page = client.get("/trace/").get_data(as_text=True)
    form = _batch_form(page)
    submit(client, "/trace/reported", {"event": [ids["soon"]]}, page="/trace/")
    response = submit(client, "/trace/reported", form, page="/trace/")
    assert response.status_code == 409
    assert "The upload batch changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PackEvent, ids["overdue"]).reported_at is None  # nothing marked
    stale = client.get(f"/trace/handovers.csv?through={form['through']}")
    assert stale.status_code == 302  # its last handover was marked: back to the page
    wrong = {**form, "through": ids["overdue"], "digest": form["digest"]}
    assert submit(client, "/trace/reported", wrong, page="/trace/").status_code == 409


def test_the_downloaded_batch_of_a_marked_handover_sends_back_to_the_page(app, client, admin):
    app.config["TRACE_UPLOAD_BATCH"] = 2
    page = client.get("/trace/").get_data(as_text=True)
    form = _batch_form(page)
    submit(client, "/trace/reported", form, page="/trace/")
    stale = client.get(f"/trace/handovers.csv?through={form['through']}")
    assert stale.status_code == 302 and stale.headers["Location"].endswith("/trace/#upload")


def test_the_year_archive_stays_whole(app, client, admin):
    app.config["TRACE_UPLOAD_BATCH"] = 1
    rows = _codes(client.get("/trace/handovers.csv?year=2026"))
    assert len(rows) == 5  # the four unreported and the reported one, not a batch


def test_next_batch_reads_a_bounded_number_of_rows(admin):
    current_app.config["TRACE_UPLOAD_BATCH"] = 3  # the test body's app (conftest's twin)
    batch = upload_batch.next_batch(traceability.due_groups())
    assert (batch.count, batch.unreported, batch.remaining) == (3, 4, 1)
    assert (batch.first_due, batch.last_due) == (date(2026, 3, 4), date(2026, 3, 12))
    assert batch.through == admin["ids"]["soon2"]
