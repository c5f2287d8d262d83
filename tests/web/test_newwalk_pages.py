"""Defects found walking the platform as a new organisation and a new buyer: each test
fails without its fix."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import PackState, Role, User
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog_groups
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_buyer
from tests.web.test_auth import confirm, registration


def _login(client, user) -> None:
    client.get("/lang/en")
    Auth(client).login(user.email)


def make_user_of_park(park) -> User:
    """A plant operator of the park."""
    from tests.factories import make_user

    return make_user(park, role=Role.PLANT_OPERATOR)


def market_cart_user() -> User:
    """The one buyer of the test."""
    return db.session.scalar(sa.select(User).where(User.role == Role.BUYER))


def test_a_buyer_who_registered_is_not_listed_as_invited_on_its_company_page(client):
    """A buyer confirming its address is logged in at once, and its company page listed it
    with the "invited" tag of a colleague who has not chosen a password yet."""
    submit(client, "/register", registration())
    assert confirm(client, "li.ming@example.com").status_code == 302
    page = client.get("/market/company").get_data(as_text=True)
    mine = page.split("li.ming@example.com", 1)[1].split("</li>", 1)[0]
    assert 'class="tag"' not in mine, mine


def _quantity_form(page: str, group: str) -> str:
    """The add or update form of this group on a catalog or cart page."""
    start = page.index(f'name="group_id" value="{group}"')
    return page[page.rindex("<form", 0, start) : page.index("</form>", start)]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1,5", "Enter a whole number (digits 0-9)."),
        ("0", "Enter a number between 1 and 3."),
        ("99999", "Only 3 of these packs are on sale: choose at most that many."),
        ("9" * 40, "Only 3 of these packs are on sale: choose at most that many."),
    ],
)
def test_a_refused_quantity_in_the_cart_is_said_beside_it_and_kept_as_typed(client, typed, said):
    """The cart's "Update" sent a refused quantity back to the cart with the message at the
    top, the typed value replaced by the old one; over 1,000 it asked for "1 to 1,000"
    whatever the stock."""
    _login(client, make_buyer())
    group = catalog_groups.group_id(list_packs(3)[0])
    submit(client, "/market/cart/add", {"group_id": group, "quantity": "2"}, page="/market/")
    response = submit(client, "/market/cart/add", {"group_id": group, "quantity": typed})
    assert response.status_code == 422
    form = _quantity_form(response.get_data(as_text=True), group)
    assert said in form and f'value="{typed}"' in form and 'aria-invalid="true"' in form
    assert market_cart.read(market_cart_user())["groups"] == {group: 2}


def test_a_refused_quantity_in_the_catalog_is_said_beside_its_listing(client):
    """Added from the catalog, a refused quantity landed on the cart (empty, or without the
    pack) with the message at the top; now the catalog comes back, filters kept, the
    message beside the listing's quantity and the typed value in it."""
    _login(client, make_buyer())
    group = catalog_groups.group_id(list_packs(3)[0])
    page = client.get("/market/?grade=A&sort=-price").get_data(as_text=True)
    back = re.search(r'name="back" value="([^"]*)"', page).group(1).replace("&amp;", "&")
    assert back == "grade=A&sort=-price"
    data = {"group_id": group, "from": "catalog", "back": back, "quantity": "1,5"}
    action = "/market/cart/add"
    response = submit(client, action, data, page="/market/")
    # post/redirect/get: a reload of the page shown does not post the quantity again
    assert response.status_code == 302 and response.location.endswith(
        "/market/?grade=A&sort=-price"
    )
    shown = client.get(response.location).get_data(as_text=True)
    assert "Second-life packs for sale" in shown and '<option value="-price" selected' in shown
    form = _quantity_form(shown, group)
    assert "Enter a whole number (digits 0-9)." in form and 'value="1,5"' in form
    assert market_cart.read(market_cart_user())["groups"] == {}
    again = client.get(response.location).get_data(as_text=True)  # said once
    assert "Enter a whole number (digits 0-9)." not in _quantity_form(again, group)
    ok = submit(client, action, {**data, "quantity": "2"}, page="/market/")
    assert ok.status_code == 302 and ok.location.endswith("/market/cart")


def test_an_add_to_cart_with_no_pack_and_an_empty_group_is_refused(client):
    """An empty group id said "Added to the cart" and added nothing."""
    _login(client, make_buyer())
    list_packs(1)
    response = submit(
        client, "/market/cart/add", {"group_id": "", "quantity": "1"}, page="/market/"
    )
    assert response.status_code == 302 and response.location.endswith("/market/")
    shown = client.get(response.location).get_data(as_text=True)
    assert "Choose the packs to add from the catalogue." in shown
    assert "Added to the cart." not in shown
    assert market_cart.read(market_cart_user())["groups"] == {}


def test_a_taxpayer_id_typed_in_groups_as_on_the_licence_is_saved(client):
    """The field takes 22 characters and the check reads a code without its spaces, but the
    length was checked first: "9135 0100 M000 100Y43" was refused as over 18 characters."""
    from tests.market.test_invoices import DETAILS

    buyer = make_buyer()
    _login(client, buyer)
    typed = {**DETAILS, "taxpayer_id": "9135 0100 M000 100Y43"}
    response = submit(client, "/market/company", typed, page="/market/company")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert buyer.organisation.taxpayer_id == "91350100M000100Y43"
    spaced = submit(client, "/market/company", {**typed, "taxpayer_id": "9135 0100 M000 100Y4"})
    assert "has 18 characters; this one has 17" in spaced.get_data(as_text=True)


def test_a_rejected_registration_is_told_so_at_login_and_in_its_letter_with_whom_to_call(
    client, app
):
    """A rejected organisation's person logging in read "This account is disabled." (no
    why, nothing to do), and the letter said only "not approved"; both now say the park
    did not approve the registration and whom to call."""
    from flask import current_app

    from lithloop.models import OrgKind, OrgStatus, OutboxMessage
    from lithloop.services.accounts import approvals
    from tests.factories import PASSWORD, make_org, make_user

    for config in (app.config, current_app.config):  # the served app, and the test's own
        config["SELLER_PHONE"] = "0453-6100000"
    org = make_org(OrgKind.DEALER_BRANCH, status=OrgStatus.PENDING)
    user = make_user(org, role=Role.DEALER_STAFF, email="wang.fang@example.com")
    approvals.decide_organisation(org.id, approve=False)
    letter = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    )
    assert "0453-6100000" in letter.body, letter.body
    client.get("/lang/zh_CN")
    refused = Auth(client).login(user.email, PASSWORD)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 401
    assert "该账户已停用" not in page and "未通过贵机构的注册审核" in page
    assert "0453-6100000" in page


def test_the_admins_list_of_organisations_heads_their_names_as_an_organisations(client):
    """The column of organisations' names was headed 姓名 (a person's name) in Chinese."""
    from lithloop.models import OrgKind
    from tests.factories import make_org, make_user

    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    client.get("/lang/zh_CN")
    Auth(client).login(admin.email)
    page = client.get("/admin/organisations").get_data(as_text=True)
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "<th>机构名称</th>" in head and "姓名" not in head, head


@pytest.mark.parametrize("typed", ["sNaN", "-sNaN", "NaN", "Infinity"])
def test_a_latitude_that_is_no_number_is_refused_beside_it_not_a_500(client, login_as, typed):
    """A typed "sNaN" reads as a Decimal, and the range check's isnan() raised ValueError on it."""
    login_as(Role.DEALER_STAFF)
    site = {
        "name": "宁安服务站",
        "city": "宁安",
        "lat": typed,
        "lon": "129.48",
        "opens_at": "08:00",
        "closes_at": "17:00",
    }
    response = submit(client, "/sites/new", site)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = page.split('name="lat"', 1)[1].split('name="lon"', 1)[0]
    assert "纬度必须在 -90 到 90 之间。" in field


def test_an_address_the_map_cannot_find_nor_suggest_for_says_what_to_do(client, login_as):
    """With no close name to suggest, "Locate the address on the map" asked "Did you mean:
    —?" (没有找到这个地址。您是否要找：—？), a question nobody can answer."""
    login_as(Role.DEALER_STAFF)
    typed = {"name": "宁安服务站", "address": "😀😀😀", "opens_at": "08:00", "closes_at": "17:00"}
    response = submit(client, "/sites/new", {**typed, "locate": "1"})
    assert response.status_code == 422
    field = response.get_data(as_text=True).split('name="address"', 1)[1].split("</div>", 1)[0]
    assert "没有找到这个地址。请检查地址，并写明所在的市或县。" in field, field
    assert "—？" not in field


def test_a_pack_of_one_retired_pack_says_so_in_the_singular_and_zh_runs_its_sentences(client):
    """The public passport of a pack built from one retired pack read "assembled from 1
    retired packs. Their own histories", and in Chinese "公开验证页面。 由…签发" kept the
    English space between its two sentences."""
    from tests.factories import make_park
    from tests.pack_builders import build_refurbished, make_pack, place, utc

    plant = make_user_of_park(make_park())
    parent = make_pack(plant, grade="B", received_at=utc(2026, 1, 5, 2))
    place(parent, PackState.AGING, plant, at=utc(2026, 1, 10, 2))
    child = build_refurbished(plant, [parent], at=utc(2026, 2, 1, 2))
    client.get("/lang/en")
    page = client.get(f"/p/{child.code}").get_data(as_text=True)
    assert "assembled from 1 retired pack. Its own history" in page
    client.get("/lang/zh_CN")
    page = client.get(f"/p/{child.code}").get_data(as_text=True)
    assert "公开验证页面。由" in page and "本电池包由 1 个退役电池包重组而成。" in page
