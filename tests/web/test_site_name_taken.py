"""A second site of one organisation with a name it has already is refused beside the name.

The booking form lists sites by name, and two of one name cannot be told apart: the site
form sent again after the back button made a second site of the same name and place."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Site
from tests import worlds
from tests.conftest import submit
from tests.factories import make_org, make_site

dealer = worlds.logged_in_dealer

GOOD = {
    "name": "海林服务站",
    "city": "海林市",
    "lat": "44.5940",
    "lon": "129.3800",
    "contact_phone": "13800000000",
    "opens_at": "08:00",
    "closes_at": "17:30",
}


def _sites() -> int:
    return db.session.scalar(sa.select(sa.func.count(Site.id)))


def test_the_same_form_sent_again_makes_no_second_site(client, dealer):
    assert submit(client, "/sites/new", GOOD).status_code == 302
    again = submit(client, "/sites/new", {**GOOD, "name": " 海林服务站 "})
    page = again.get_data(as_text=True)
    assert again.status_code == 422 and _sites() == 1
    said = page.split('id="name-err"', 1)[1].split("</", 1)[0] if 'id="name-err"' in page else page
    assert "已有名为 海林服务站 的网点" in said, said
    assert 'value=" 海林服务站 "' in page or 'value="海林服务站"' in page  # kept as typed


def test_a_site_keeps_its_own_name_when_edited_and_may_not_take_anothers(client, dealer):
    submit(client, "/sites/new", GOOD)
    submit(client, "/sites/new", {**GOOD, "name": "东安网点"})
    first, second = db.session.scalars(sa.select(Site).order_by(Site.id))
    kept = submit(client, f"/sites/{first.id}/edit", {**GOOD, "contact_phone": "13900000000"})
    assert kept.status_code == 302
    taken = submit(client, f"/sites/{second.id}/edit", GOOD)
    assert taken.status_code == 422
    db.session.expire_all()
    assert db.session.get(Site, second.id).name == "东安网点"


def test_another_organisations_site_of_that_name_is_no_matter(client, dealer):
    make_site(make_org(name="别家经销店"), name="海林服务站")
    assert submit(client, "/sites/new", GOOD).status_code == 302


def test_two_sites_stored_of_one_name_before_are_each_still_changed(client, dealer):
    submit(client, "/sites/new", GOOD)
    first = db.session.scalar(sa.select(Site))
    twin = make_site(first.organisation, name=first.name)  # stored before the rule
    changed = submit(client, f"/sites/{twin.id}/edit", {**GOOD, "contact_phone": "13900000000"})
    assert changed.status_code == 302


def test_a_taken_name_and_bad_hours_are_told_with_an_unusable_position(client, dealer):
    """Review finding: a longitude out of range (or no position at all) hid the taken name
    and the closing time before the opening time until the next try."""
    assert submit(client, "/sites/new", GOOD).status_code == 302
    for position in ({"lon": "181"}, {"lat": "", "lon": ""}):
        sent = submit(client, "/sites/new", {**GOOD, **position, "closes_at": "07:00"})
        page = sent.get_data(as_text=True)
        assert sent.status_code == 422 and _sites() == 1
        for field in ("name", "closes_at", "lon"):
            assert page.count(f'id="{field}-err"') == 1, (position, field)
        assert "已有名为 海林服务站 的网点" in page and "关门时间必须晚于开门时间" in page
