"""Plant pages (lines, batches, assembly), the settle action, the owner's statement and the
public certificate, through the test client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import DismantlingBatch, Grade, Pack, PackState, Settlement
from tests import worlds
from tests.conftest import submit
from tests.pdf_text import pdf_text
from tests.plant_world import booked, make_pack, receive, settle_as_shown

world = worlds.plant_staff


def text(response) -> str:
    return response.get_data(as_text=True)


def test_batch_pages_open_add_close(client, auth, world):
    pack = make_pack(world["plant"], mass="500")
    aging = make_pack(world["plant"], PackState.AGING, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    page = client.get("/plant/lines")
    assert page.status_code == 200 and "12" in text(page)  # line throughput t/day
    response = submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    assert response.status_code == 302
    batch_id = db.session.scalar(sa.select(DismantlingBatch.id))
    url = f"/plant/batches/{batch_id}"
    refused = submit(client, f"{url}/add", {"codes": aging.code}, page=url)
    assert refused.status_code == 409 and aging.code in text(refused)
    assert submit(client, f"{url}/add", {"codes": pack.code}, page=url).status_code == 302
    too_much = submit(client, f"{url}/close", {"black_mass": "400", "steel": "101"}, page=url)
    assert too_much.status_code == 422 and 'class="error"' in text(too_much)
    weighed = {"black_mass": "180", "copper": "20", "steel": "90"}  # 42 % lost: confirmed
    confirmed = {**weighed, "confirm_loss": "1", "loss_reason": "wet packs, drained"}
    done = submit(client, f"{url}/close", confirmed, page=url)
    assert done.status_code == 302
    page = text(client.get(url))
    assert "180.00" in page and "210.00" in page  # black mass, loss


def test_a_batch_page_reads_the_chinese_way(client, auth, world):
    """Walk finding: the output boxes read "黑粉 (kg)" (half-width brackets on a Chinese
    page); the unit inside is 千克, as on every Chinese page (tests/test_kilogram_words.py)."""
    scrap = make_pack(world["plant"], mass="500", grade=Grade.S)
    auth.login(world["plant"].email)
    submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    url = f"/plant/batches/{db.session.scalar(sa.select(DismantlingBatch.id))}"
    assert submit(client, f"{url}/add", {"codes": scrap.code}, page=url).status_code == 302
    page = text(client.get(url))
    assert "黑粉（千克）" in page and " (kg)" not in page and "（kg）" not in page


def test_a_pack_not_yet_stored_is_refused_saying_what_to_do_first(client, auth, world):
    """Walk finding: a graded scrap pack not yet sent to a warehouse was refused with "Pack … is
    Received (warehouse: —), not in the raw-material warehouse", and a finished one with
    "is In the finished-product warehouse (warehouse: Finished-product warehouse)"."""
    graded = make_pack(world["plant"], PackState.RECEIVED, grade=Grade.S)
    untested = make_pack(world["plant"], PackState.RECEIVED)
    finished = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="90")
    auth.login(world["plant"].email)
    client.get("/lang/en")
    submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    url = f"/plant/batches/{db.session.scalar(sa.select(DismantlingBatch.id))}"
    said = {
        pack: text(submit(client, f"{url}/add", {"codes": pack.code}, page=url))
        for pack in (graded, untested, finished)
    }
    assert "send it to the raw-material warehouse from its page first" in said[graded]
    assert "not graded yet: test it on its page" in said[untested]
    assert "(now: Finished-product warehouse)" in said[finished]
    assert not any("(warehouse:" in page or " is Received" in page for page in said.values())
    client.get("/lang/zh_CN")
    page = text(submit(client, f"{url}/add", {"codes": graded.code}, page=url))
    assert "尚未入仓：请先在其页面上送入原料仓" in page


def test_a_batch_names_grade_s_as_the_other_plant_pages_do(client, auth, world):
    """Walk finding: the batch's packs showed grade "S" where the other plant pages say
    "S（报废，进入回收拆解）"."""
    scrap = make_pack(world["plant"], mass="500", grade=Grade.S)
    auth.login(world["plant"].email)
    submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    url = f"/plant/batches/{db.session.scalar(sa.select(DismantlingBatch.id))}"
    assert submit(client, f"{url}/add", {"codes": scrap.code}, page=url).status_code == 302
    assert "<td>S（报废，进入回收拆解）</td>" in text(client.get(url))


def test_a_batch_closed_with_every_output_empty_is_refused_beside_the_outputs(client, auth, world):
    """Walk finding: "close the batch" pressed with the boxes empty closed it for good with
    0 kg out and the whole input as loss."""
    pack = make_pack(world["plant"], mass="500")
    auth.login(world["plant"].email)
    submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    batch_id = db.session.scalar(sa.select(DismantlingBatch.id))
    url = f"/plant/batches/{batch_id}"
    assert submit(client, f"{url}/add", {"codes": pack.code}, page=url).status_code == 302
    refused = submit(client, f"{url}/close", {"black_mass": "", "copper": ""}, page=url)
    assert refused.status_code == 422
    assert re.search(r"id=\"err-outputs\"[^>]*>[^<]*500.00 千克将全部计为损耗", text(refused)), (
        text(refused)[-2500:]
    )
    db.session.expire_all()
    assert db.session.get(DismantlingBatch, batch_id).status == "open"


def test_putting_packs_on_the_line_and_closing_the_batch_ask_first(client, auth, world):
    """Walk finding: both record for good (packs dismantled, a batch closed) at one tap,
    where sending a pack to a warehouse asks first."""
    auth.login(world["plant"].email)
    submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    url = f"/plant/batches/{db.session.scalar(sa.select(DismantlingBatch.id))}"
    page = text(client.get(url))
    for action, question in (("add", "记录为已拆解，无法撤销"), ("close", "批次关闭后不能再修改")):
        form = page[page.index(f'action="{url}/{action}"') :]
        assert question in form[: form.index(">")], action


def test_one_pack_on_a_batch_or_ready_as_a_parent_reads_in_the_singular(client, auth, world):
    """Walk finding: "Input 422.00 kg · 1 packs" and "1 packs can be parents." in English."""
    pack = make_pack(world["plant"], mass="500")
    make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    client.get("/lang/en")
    submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    url = f"/plant/batches/{db.session.scalar(sa.select(DismantlingBatch.id))}"
    submit(client, f"{url}/add", {"codes": pack.code}, page=url)
    batch = text(client.get(url))
    assert "· 1 pack</dd>" in batch and "1 packs" not in batch
    assembly = text(client.get("/plant/assembly"))
    assert "1 pack can be a parent." in assembly and "1 packs" not in assembly


def assembly_form(parent: Pack) -> dict:
    """The assembly form for a pack built from `parent`, without the insulation answer."""
    return {
        "parents": parent.code,
        "rated_wh": "30000",
        "mass_kg": "210",
        "use_case": "base_station",
        "warranty_months": "12",
        "capacity_ah": "140",
        "soh_pct": "78",
    }


def test_assembly_page_builds_a_pack(client, auth, world):
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    assert parent.code in text(client.get("/plant/assembly"))
    form = {**assembly_form(parent), "insulation_ok": "1"}
    bad = submit(client, "/plant/assembly", {**form, "soh_pct": "lots"})
    assert bad.status_code == 422 and 'id="err-soh_pct"' in text(bad)
    assert submit(client, "/plant/assembly", form).status_code == 302
    child = db.session.scalar(sa.select(Pack).where(Pack.refurbished.is_(True)))
    assert child.grade is Grade.B and child.use_case == "base_station"
    assert child.code in text(client.get("/plant/assembly"))
    again = submit(client, "/plant/assembly", form)
    assert again.status_code == 409 and parent.code in text(again)


def test_a_built_packs_price_names_its_index(client, auth, world):
    """The latest builds showed the price with a bare date under it (the index version),
    which read as the day it was priced or built."""
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    form = {**assembly_form(parent), "insulation_ok": "1"}
    assert submit(client, "/plant/assembly", form).status_code == 302
    child = db.session.scalar(sa.select(Pack).where(Pack.refurbished.is_(True)))
    page = text(client.get("/plant/assembly"))
    row = page[page.rindex(f"<tr><td><code>{child.code}</code>") :].split("</tr>")[0]  # builds
    assert f"\u6307\u6570\u7248\u672c {child.price_index_version}" in row, row  # 指数版本


def test_a_pack_is_built_from_as_many_parents_as_its_modules_need(client, auth, world):
    """Walk finding: the README said one or two parents while assembly took three. A pack is
    built from modules of any number of graded packs of one chemistry (FACTS.md 3: module
    reuse; nothing caps the parents), so the README says so and three parents are built."""
    parents = [
        make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85") for _ in range(3)
    ]
    auth.login(world["plant"].email)
    form = {**assembly_form(parents[0]), "insulation_ok": "1"}
    form["parent_codes"] = "\n".join(p.code for p in parents[1:])
    assert submit(client, "/plant/assembly", form).status_code == 302
    child = db.session.scalar(sa.select(Pack).where(Pack.refurbished.is_(True)))
    assert {p.code for p in child.parents} == {p.code for p in parents}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "assembled from one or two" not in " ".join(readme.split())


def test_a_rated_energy_beyond_pricing_is_refused_beside_its_box(client, auth, world):
    """Walk finding: 99,999,999,999,999 Wh was refused under the insulation answers, far
    from the rated energy box (the pricing engine names it rated_kwh)."""
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    form = {**assembly_form(parent), "insulation_ok": "1", "rated_wh": "99999999999999"}
    refused = submit(client, "/plant/assembly", form)
    assert refused.status_code == 422
    page = text(refused)
    box = page[page.index('id="rated_wh"') :]
    assert 'id="err-rated_wh"' in box[: box.index("</div>")]
    assert db.session.scalar(sa.select(Pack).where(Pack.refurbished.is_(True))) is None


@pytest.mark.parametrize(
    ("name", "typed", "said"),
    [
        ("rated_wh", "0", "额定能量须大于 0 Wh"),
        ("rated_wh", "-5", "额定能量须大于 0 Wh"),
        ("mass_kg", "0", "质量须大于 0 千克"),
        ("capacity_ah", "-1", "实测容量须大于 0 Ah"),
    ],
)
def test_a_number_at_or_below_0_in_the_assembly_form_says_the_range(
    client, auth, world, name, typed, said
):
    """Walk finding: 0 or -5 read "请填写额定能量（Wh）" (enter the rated energy), as if the box
    were empty."""
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    form = {**assembly_form(parent), "insulation_ok": "1", name: typed}
    refused = submit(client, "/plant/assembly", form)
    assert refused.status_code == 422
    assert re.search(rf'id="err-{name}"[^>]*>[^<]*{said}', text(refused))


def test_the_assembly_form_asks_the_insulation_result_and_assumes_none(client, auth, world):
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    page = text(client.get("/plant/assembly"))
    radios = re.findall(r'<input type="radio" name="insulation_ok"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in r for r in radios)  # no answer given
    assert 'type="checkbox" name="insulation' not in page
    form = assembly_form(parent)
    for missing in ({}, {"insulation_ok": ""}, {"insulation_ok": "maybe"}):
        refused = submit(client, "/plant/assembly", {**form, **missing})
        body = text(refused)
        assert refused.status_code == 422 and 'id="err-insulation_ok"' in body
        assert "请选择绝缘测试是通过还是不通过" in body  # the page is in Chinese by default
        assert 'value="140"' in body  # the typed values are kept
    assert db.session.scalar(sa.select(sa.func.count()).where(Pack.refurbished.is_(True))) == 0
    db.session.expire_all()
    assert db.session.get(Pack, parent.id).state is PackState.FINISHED
    failed = submit(client, "/plant/assembly", {**form, "insulation_ok": "0"})
    assert failed.status_code == 422 and 'id="err-soh_pct"' in text(failed)  # grade S: not sold
    assert submit(client, "/plant/assembly", {**form, "insulation_ok": "1"}).status_code == 302


def test_owner_roles_cannot_run_the_lines(client, auth, world):
    auth.login(world["dealer"].email)
    assert client.get("/plant/lines").status_code == 403
    assert client.get("/plant/assembly").status_code == 403


def test_settle_statement_certificate_and_isolation(client, auth, world):
    booking = booked(world)
    receive(world, booking, "610")
    lot = booking.lots[0]
    gone = make_pack(
        world["plant"],
        PackState.DISMANTLED,
        grade=Grade.S,
        soh="20",
        mass="300",
        booking=booking,
        lot=lot,
    )
    kept = make_pack(
        world["plant"],
        PackState.AGING,
        grade=Grade.A,
        soh="88",
        rated_wh=60000,
        mass="310",
        booking=booking,
        lot=lot,
    )
    auth.login(world["plant"].email)
    assert f"/settlements/{booking.id}/settle" in text(client.get("/settlements/"))
    preview = text(submit(client, f"/settlements/{booking.id}/settle", {}, page="/settlements/"))
    assert "<th>项目</th>" in preview and "<th>产线</th>" not in preview  # price lines
    shown = re.search(r'name="total_fen" value="(-?\d+)"', preview).group(1)
    assert settle_as_shown(client, booking.id).status_code == 302
    assert settle_as_shown(client, booking.id, shown).status_code == 409  # pressed twice
    settlement = db.session.scalar(sa.select(Settlement))
    auth.logout()

    auth.login(world["dealer"].email)
    statement = client.get(f"/settlements/{booking.id}")
    assert statement.status_code == 200
    body = text(statement)
    quoted = booking.quote["lots"][0]["total_fen"]
    settled_lot = settlement.lines[0]["settled_fen"]
    assert "610.00" in body and settlement.index_version in body
    assert "27.95090760000" not in body and "0.6 → 0.61 吨" in body  # readable quantities
    assert "<th>项目</th>" in body and "产线" not in body  # its price lines, no plant line
    assert re.search(r"¥\s?[\d,]+\.\d\d", body) and kept.code in body
    assert settled_lot != quoted
    assert f"/certificates/{settlement.certificate_token}" in body
    owner = booking.organisation.name  # the statement names who pays whom: the plant reads it
    basis = body.split('class="basis">')[1].split("</p>")[0]
    assert basis in (f"产业园向{owner}支付此金额。", f"{owner}向产业园支付此费用。"), basis
    words = pdf_text(client.get(f"/settlements/{booking.id}?format=pdf").data)
    assert "结算单" in words and "610.00" in words and kept.code in words
    auth.logout()
    certificate = client.get(f"/certificates/{settlement.certificate_token}?format=pdf")
    assert certificate.headers["Content-Type"] == "application/pdf"  # public, like the page
    words = pdf_text(certificate.data)
    assert "回收证明" in words and gone.code in words and kept.code in words

    auth.login(world["other"].email)
    assert client.get(f"/settlements/{booking.id}").status_code == 404
    assert settlement.certificate_token not in text(client.get("/settlements/"))
    auth.logout()

    public = client.get(f"/certificates/{settlement.certificate_token}")
    assert public.status_code == 200
    page = text(public)
    assert gone.code in page and kept.code in page and world["dealer"].organisation.name in page
    assert world["park"].name in page and f"#{booking.id}" in page
    assert "¥" not in page and "fen" not in page.lower()
    for amount in (settlement.total_fen, settlement.quote_total_fen):
        assert f"{abs(amount) / 100:,.2f}" not in page
    assert world["dealer"].email not in page
    assert client.get("/certificates/not-a-real-token").status_code == 404


def test_settlements_page_both_lists_and_counts_the_waiting(client, auth, world, monkeypatch):
    from lithloop.models import Booking
    from lithloop.web import settlements as settlements_web

    monkeypatch.setattr(settlements_web, "PAGE_SIZE", 2)
    waiting = [booked(world) for _ in range(3)]
    for booking in waiting:
        receive(world, booking, "600")
    for n in range(3):  # settled directly: only the list is under test here
        db.session.add(
            Settlement(
                booking_id=booked(world).id,
                index_version="v",
                quote_total_fen=100 + n,
                total_fen=100 + n,
                lines=[],
                certificate_token=f"token-{n}",
                by_user_id=world["plant"].id,
            )
        )
    db.session.commit()
    auth.login(world["plant"].email)
    first = text(client.get("/settlements/"))
    second = text(client.get("/settlements/?page=2"))

    def settle_ids(page: str) -> list[int]:
        return [int(i) for i in re.findall(r"/settlements/(\d+)/settle", page)]

    def statement_ids(page: str) -> list[int]:
        return [int(i) for i in re.findall(r'href="/settlements/(\d+)"', page)]

    assert settle_ids(first) == [waiting[0].id, waiting[1].id] and settle_ids(second) == [
        waiting[2].id
    ]
    # walk finding: the count read "已入厂，待结算 (3)", half-width brackets on a Chinese page
    assert "已入厂，待结算（3）" in first and " (3)" not in first
    assert 'rel="next"' in first and 'rel="next"' not in second
    client.get("/lang/en")
    assert "Received, awaiting settlement (3)" in text(client.get("/settlements/"))
    client.get("/lang/zh_CN")
    newest = db.session.scalars(
        sa.select(Settlement.booking_id).order_by(Settlement.id.desc())
    ).all()
    assert statement_ids(first) == newest[:2] and statement_ids(second) == newest[2:]
    assert db.session.get(Booking, waiting[0].id).status.value == "received"


def test_parents_of_two_chemistries_are_named_the_chinese_way(client, auth, world):
    """Trace walk: parents of two chemistries were refused with "(现有 LFP, NCM523)": a
    Chinese list is joined with 、 and names each chemistry as the other pages do."""
    lfp = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    ncm = make_pack(world["plant"], PackState.FINISHED, chemistry="NCM523", grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    form = {**assembly_form(lfp), "insulation_ok": "1", "parent_codes": ncm.code}
    refused = text(submit(client, "/plant/assembly", form))
    assert "现有 磷酸铁锂 LFP、" in refused, refused[refused.find("化学体系（") - 200 :][:400]
    assert "LFP, " not in refused


def test_the_settlement_brackets_read_the_chinese_way(client, auth, world):
    """Trace walk: the Chinese confirmation and statement read "2026-01-26 (预约时锁定)" and
    "¥12,992.74 (差额 ¥0.00)": half-width brackets on a Chinese page."""
    booking = booked(world)
    receive(world, booking, "610")
    make_pack(
        world["plant"], PackState.DISMANTLED, grade=Grade.S, soh="20", mass="610",
        booking=booking, lot=booking.lots[0],
    )  # fmt: skip
    auth.login(world["plant"].email)
    pages = [text(submit(client, f"/settlements/{booking.id}/settle", {}, page="/settlements/"))]
    settle_as_shown(client, booking.id)
    pages.append(text(client.get(f"/settlements/{booking.id}")))
    for page in pages:
        assert "（预约时锁定）" in page and "（差额 " in page
        assert " (预约时锁定)" not in page and " (差额" not in page
    client.get("/lang/en")
    english = text(client.get(f"/settlements/{booking.id}"))
    assert " (frozen at booking)" in english and " (difference " in english


def test_a_packs_parents_are_listed_the_chinese_way_on_its_passport(client, auth, world):
    """Trace walk: the passport of a pack built from two read "重组来源 CODE1, CODE2"; a
    Chinese list is joined with 、 (the English page keeps ", ")."""
    parents = [
        make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85") for _ in range(2)
    ]
    auth.login(world["plant"].email)
    form = {**assembly_form(parents[0]), "insulation_ok": "1", "parent_codes": parents[1].code}
    assert submit(client, "/plant/assembly", form).status_code == 302
    child = db.session.scalar(sa.select(Pack).where(Pack.refurbished.is_(True)))
    first, second = sorted(p.code for p in parents)
    for url in (f"/p/{child.code}", f"/packs/{child.code}"):
        assert f"<code>{first}</code>、<code>{second}</code>" in text(client.get(url)), url
    client.get("/lang/en")
    assert f"<code>{first}</code>, <code>{second}</code>" in text(client.get(f"/p/{child.code}"))


def test_the_packs_overdue_in_aging_are_listed_the_chinese_way(client, auth, world):
    """Trace walk: the aging warehouse's alert listed the overdue packs "CODE1, CODE2" on the
    Chinese page; a Chinese list is joined with 、."""
    from datetime import timedelta

    from lithloop import clock

    late = [
        make_pack(world["plant"], PackState.AGING, grade=Grade.A, soh="85", retest=False)
        for _ in range(2)
    ]
    for pack in late:
        pack.aging_until = clock.today() - timedelta(days=3)
    db.session.commit()
    auth.login(world["plant"].email)
    page = text(client.get("/plant/warehouses/aging"))
    alert = page[page.index('id="aging-alert"') :].split("</p>")[0]
    assert "</a>、<a" in alert and "</a>, <a" not in alert, alert


def test_a_pasted_wall_of_text_is_not_echoed_whole_beside_the_codes(client, auth, world):
    """Trace walk: 5,000 characters pasted as a code came back whole in "没有编码为 … 的电池包",
    a page of text beside the box; a code is 24 characters, so its start is named."""
    auth.login(world["plant"].email)
    submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    url = f"/plant/batches/{db.session.scalar(sa.select(DismantlingBatch.id))}"
    refused = submit(client, f"{url}/add", {"codes": "长" * 5000}, page=url)
    assert refused.status_code == 404
    page = text(refused)
    said = page[page.index("</textarea>") :].split("</div>")[0]  # beside the box
    assert "没有编码为 " + "长" * 24 + "… 的电池包" in said and "长" * 25 not in said


def test_a_settled_booking_links_to_its_statement(client, auth, world):
    """walk: a settled booking's page said "已结算" and nothing more: its owner had to find
    the settlement menu to read the statement (and from it the certificate)."""
    booking = booked(world)
    receive(world, booking, "610")
    auth.login(world["dealer"].email)
    assert f'href="/settlements/{booking.id}"' not in text(client.get(f"/bookings/{booking.id}"))
    auth.logout()
    auth.login(world["plant"].email)
    assert settle_as_shown(client, booking.id).status_code == 302
    auth.logout()
    auth.login(world["dealer"].email)
    page = text(client.get(f"/bookings/{booking.id}"))
    assert f'href="/settlements/{booking.id}" id="statement-link">结算单</a>' in page


def test_a_refused_settle_links_each_pack_still_to_grade(client, auth, world):
    """walk: the refusal named the ungraded packs' codes as plain text (five of them at
    most): the operator had to search for each one to open its test form."""
    booking = booked(world)
    receive(world, booking, "590")
    packs = [
        make_pack(world["plant"], PackState.RECEIVED, booking=booking, lot=booking.lots[0])
        for _ in range(7)
    ]
    packs[3].grade = Grade.A  # graded already: not to do
    db.session.commit()
    auth.login(world["plant"].email)
    url = f"/settlements/{booking.id}/settle"
    refused = submit(client, url, {}, page="/settlements/")
    assert refused.status_code == 409
    page = text(refused)
    links = re.findall(r'<a class="code" href="/plant/packs/(\d+)">([^<]+)</a>', page)
    assert links == [(str(p.id), p.code) for i, p in enumerate(packs) if i != 3]
    assert "待定级的电池包（6）" in page
    assert text(client.get("/settlements/")).count('class="code"') == 0  # only after a refusal


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_settlement_whose_amount_changed_since_the_preview_is_not_stored(
    client, auth, world, lang
):
    """walk: the button said "settle for ¥X", but the form sent no amount: a pack tested
    again between the preview and the press (another operator, in the aging warehouse)
    settled the booking at another amount, mailed to its owner, with no way back."""
    booking = booked(world)
    receive(world, booking, "610")
    lot = booking.lots[0]
    kept = make_pack(
        world["plant"], PackState.AGING, grade=Grade.A, soh="88", rated_wh=60000, mass="310",
        booking=booking, lot=lot,
    )  # fmt: skip
    auth.login(world["plant"].email)
    client.get(f"/lang/{lang}")
    url = f"/settlements/{booking.id}/settle"
    preview = text(submit(client, url, {}, page="/settlements/"))
    shown = re.search(r'name="total_fen" value="(-?\d+)"', preview).group(1)
    kept.grade, kept.soh_pct = Grade.S, 40  # the retest of a colleague: to recycling now
    db.session.commit()
    refused = settle_as_shown(client, booking.id, shown)
    body = text(refused)
    assert refused.status_code == 409 and db.session.scalar(sa.select(Settlement)) is None
    now = re.search(r'name="total_fen" value="(-?\d+)"', body).group(1)
    assert now != shown and 'id="settle-changed"' in body
    said = {"zh": "未结算：自您查看以来金额已变化", "en": "Not settled: the amount changed"}
    assert said[lang] in body
    assert settle_as_shown(client, booking.id, now).status_code == 302
    assert db.session.scalar(sa.select(Settlement.total_fen)) == int(now)


def test_a_settle_press_without_the_amount_settles_nothing(client, auth, world):
    booking = booked(world)
    receive(world, booking, "610")
    auth.login(world["plant"].email)
    url = f"/settlements/{booking.id}/settle"
    for sent in ({}, {"total_fen": "NaN"}, {"total_fen": "1e309"}, {"total_fen": "１２"}):
        answer = submit(client, url, {"confirmed": "1", **sent}, page="/settlements/")
        assert answer.status_code == 400 and 'id="settle-changed"' in text(answer)
    assert db.session.scalar(sa.select(Settlement)) is None
