"""The government partner follows packs: the traceability page (read-only) in its menu,
every organisation's pack passport, the look-up by GB/T 34014 code (typed with spaces, in
lower case or full-width; a wrong character or length told beside the box), in Chinese and
English. The matrix (tests/test_government_read_only.py) proves no write is reachable."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.models import Role
from tests.conftest import submit
from tests.factories import BookingFactory, make_user_as
from tests.sent_sql import is_write, sent_statements
from tests.web.test_bad_filter_values import _get
from tests.web.test_traceability import world  # noqa: F401 - the handovers of 10 March 2026

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


@pytest.fixture
def gov(client, auth, world):  # noqa: F811
    user = make_user_as(Role.GOVERNMENT)
    db.session.commit()
    auth.login(user.email)
    return user


def test_the_menu_leads_to_traceability_in_both_languages(client, gov):
    page = client.get("/dashboard/").get_data(as_text=True)
    assert 'href="/trace/"' in page and ">溯源<" in page
    client.get("/lang/en")
    assert ">Traceability<" in client.get("/dashboard/").get_data(as_text=True)


def test_the_trace_page_is_read_only_for_the_regulator(client, gov, world):  # noqa: F811
    client.get("/lang/en")
    page = client.get("/trace/").get_data(as_text=True)
    assert "Overdue (1)" in page and "Due soon (2)" in page  # every organisation's
    assert 'name="event"' not in page and "/trace/reported" not in page
    assert "Mark the ticked handovers as reported" not in page and "Uploaded: mark" not in page
    assert 'id="look-up"' in page and "Download CSV" in page
    refused = submit(
        client, "/trace/reported", {"event": [world["ids"]["overdue"]]}, page="/trace/"
    )
    assert refused.status_code == 403
    csv = client.get("/trace/handovers.csv?year=2026")
    assert csv.status_code == 200 and world["packs"]["overdue"].code in csv.get_data(as_text=True)


def test_every_organisations_pack_is_shown_its_booking_unlinked(client, gov, world):  # noqa: F811
    pack = world["packs"]["overdue"]
    booking = BookingFactory(organisation=pack.owner, created_by__organisation=pack.owner)
    pack.booking_id = booking.id
    db.session.commit()
    page = client.get(f"/packs/{pack.code}").get_data(as_text=True)
    assert pack.code in page and pack.owner.name in page
    assert f"#{booking.id}" in page and f"/bookings/{booking.id}" not in page
    assert client.get(f"/packs/{pack.code}/passport.json").status_code == 200


def _spaced(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(lambda c: _spaced(c), id="spaces"),
        pytest.param(lambda c: c.lower(), id="lower-case"),
        pytest.param(lambda c: f" {c.translate(str.maketrans(FULL_WIDTH))}\u200b", id="full-width"),
    ],
)
def test_a_code_typed_as_people_type_it_is_found(client, gov, world, typed):  # noqa: F811
    code = world["packs"]["soon"].code
    with sent_statements(client.application, is_write) as writes:
        response = client.get("/trace/pack", query_string={"code": typed(code)})
    assert response.status_code == 302 and response.location.endswith(f"/packs/{code}")
    assert writes == []


@pytest.mark.parametrize(
    "change, status, zh, en",
    [
        (
            lambda c: c[:3] + "X" + c[4:],  # character 4: no product type
            422,
            "第 4 位",
            "Character 4 (&#39;X&#39;) must be P (pack), M (module) or C (cell)",
        ),
        (lambda c: c[:-1], 422, "23", "has 23 characters; GB/T 34014 codes have 24"),
        (lambda c: c[:-7] + "9999999", 404, "没有", "No pack has the code"),  # valid, unused
    ],
    ids=["wrong-character", "wrong-length", "no-such-pack"],
)
def test_a_wrong_code_is_told_beside_the_box(client, gov, world, change, status, zh, en):  # noqa: F811
    code = change(world["packs"]["soon"].code)
    response = client.get("/trace/pack", query_string={"code": code})
    page = response.get_data(as_text=True)
    assert response.status_code == status
    box = page[page.index('id="look-up"') : page.index("</form>", page.index('id="look-up"'))]
    assert 'id="err-code"' in box and zh in box and 'aria-invalid="true"' in box
    client.get("/lang/en")
    page = client.get("/trace/pack", query_string={"code": code}).get_data(as_text=True)
    box = page[page.index('id="look-up"') : page.index("</form>", page.index('id="look-up"'))]
    assert en in box and 'id="err-code"' in box


def test_the_admin_has_the_look_up_box_too(client, auth, world):  # noqa: F811
    auth.login(world["admin"].email)
    code = world["packs"]["soon"].code
    assert 'id="look-up"' in client.get("/trace/").get_data(as_text=True)
    assert client.get("/trace/pack", query_string={"code": code.lower()}).status_code == 302


def test_other_roles_have_no_look_up(client, login_as, world):  # noqa: F811
    login_as(Role.PLANT_OPERATOR)
    assert client.get("/trace/pack?code=x").status_code == 403


@pytest.mark.parametrize("org", ["999999", "abc"])
def test_an_unknown_organisation_is_told_beside_the_filter(client, auth, world, org):  # noqa: F811
    gov = make_user_as(Role.GOVERNMENT)
    db.session.commit()
    auth.login(gov.email)
    page = _get(client, f"/trace/?org={org}")
    assert 'id="err-org"' in page and "没有该编号的组织：现显示全部组织。" in page
    client.get("/lang/en")
    page = _get(client, f"/trace/?org={org}")
    assert "No organisation has that number: showing all organisations." in page
    assert "Overdue (1)" in page and "Due soon (2)" in page
    known = _get(client, f"/trace/?org={world['park'].id}")  # the party of the handovers
    assert 'id="err-org"' not in known and "Overdue (1)" in known
    assert 'id="err-org"' not in _get(client, f"/trace/?org={world['owner'].id}")


@pytest.mark.parametrize("query", ["year=2026&org=999999", "org=abc"])
def test_a_download_for_an_unknown_organisation_is_refused_not_everyones(client, gov, query):
    """Review finding: `org=` naming no organisation downloaded every organisation's
    handovers, while the page said beside its filter that it showed all."""
    client.get("/lang/en")
    response = client.get(f"/trace/handovers.csv?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "No organisation has that number: nothing was downloaded." in page
