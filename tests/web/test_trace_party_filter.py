"""The traceability page's organisation filter keeps the handovers the organisation is a
party to: the receipt of the packs it handed over, the sale of packs to it, and those it
recorded (the park). Not only the recorder's: the park's staff record nearly every
handover, so "what happened to company X's packs" found nothing for any company but the
park. The same filter serves the upload file and the yearly archive (CSV)."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.models import OrgKind, Role
from lithloop.services.packs import traceability
from tests.factories import make_org, make_user_as
from tests.pack_builders import event, make_pack, utc
from tests.web.test_traceability import world  # noqa: F401 - the handovers of 10 March 2026


@pytest.fixture
def parties(world):  # noqa: F811
    """Besides the owner's four receipts: another dealer's pack received, and the owner's
    pack due soon sold to a buyer (the sale is the buyer's and the park's, not the owner's)."""
    other = make_org(OrgKind.DEALER_BRANCH, name="宁安经销商")
    theirs = make_pack(world["plant"], owner=other, received_at=utc(2026, 3, 9, 5))
    buyer = make_org(OrgKind.BUYER, name="牡丹江储能")
    sold = world["packs"]["soon"]
    sold.buyer_id = buyer.id
    sale = event(sold, "sold", world["plant"], at=utc(2026, 3, 9, 6))
    db.session.commit()
    return {
        **world,
        "other": other,
        "buyer": buyer,
        "theirs": theirs,
        "receipt": theirs.events[0].id,
        "sale": sale.id,
    }


def _ids(groups) -> list[int]:
    return [e.id for e in groups.overdue + groups.due_soon + groups.later]


def test_the_filter_keeps_the_handovers_of_an_organisations_packs(parties):
    ids = parties["ids"]
    owner = traceability.due_groups(organisation_id=parties["owner"].id)
    assert _ids(owner) == [ids["overdue"], ids["soon"], ids["soon2"], ids["later"]]
    other = traceability.due_groups(organisation_id=parties["other"].id)
    assert _ids(other) == [parties["receipt"]]
    assert _ids(traceability.due_groups(organisation_id=parties["buyer"].id)) == [parties["sale"]]
    park = traceability.due_groups(organisation_id=parties["park"].id)
    assert park.total == 6  # it recorded every one


def test_the_choices_count_each_organisations_handovers(parties):
    owing = {name: n for _id, name, n in traceability.organisations_owing()}
    assert owing == {
        parties["owner"].name: 4,
        parties["other"].name: 1,
        parties["buyer"].name: 1,
        parties["park"].name: 6,
    }


def test_the_regulator_filters_the_page_and_its_archive_by_a_dealer(client, auth, parties):
    gov = make_user_as(Role.GOVERNMENT)
    db.session.commit()
    auth.login(gov.email)
    client.get("/lang/en")
    owner, theirs = parties["owner"].id, parties["theirs"].code
    page = client.get(f"/trace/?org={owner}").get_data(as_text=True)
    assert "Party to the handover (handed the pack over, bought it or recorded it)" in page
    assert "Overdue (1)" in page and "Due soon (2)" in page
    assert parties["packs"]["overdue"].code in page and theirs not in page
    archive = client.get(f"/trace/handovers.csv?year=2026&org={owner}").get_data(as_text=True)
    assert parties["packs"]["soon2"].code in archive and theirs not in archive
    assert archive.count("\n") == 1 + 4  # the header and the owner's four receipts
    page = client.get(f"/trace/?org={parties['other'].id}").get_data(as_text=True)
    assert theirs in page and parties["packs"]["overdue"].code not in page


def test_the_label_is_in_chinese_first(client, auth, parties):
    auth.login(parties["admin"].email)
    page = client.get("/trace/").get_data(as_text=True)
    assert "交接相关单位（移交、购买或记录该交接的单位）" in page and "记录单位" in page
