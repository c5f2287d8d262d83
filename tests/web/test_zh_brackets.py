"""Chinese pages write brackets full-width and lists with 、: the dangerous-goods document,
the plan's move form and the pickup check's note refusal had "(…)" and ", " left."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal

import pytest

from lithloop.extensions import db
from lithloop.models import PlanRoute, PlanStatus, PlanUnassigned
from lithloop.services.dispatch.pickup_checks import differences, require_note
from lithloop.services.errors import Invalid
from tests import worlds

world = worlds.published_route


def chinese_text(page: str) -> str:
    """The page's visible Chinese: no tags, no English label beside a Chinese one, no script,
    not the regulated description line "UN 3480 LITHIUM ION BATTERIES, 9, (E)"."""
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r'<span class="en" lang="en">.*?</span>|<span lang="en">.*?</span>', "", body)
    body = re.sub(r'<p class="line">.*?</p>', "", body)  # ADR's own description line
    body = re.sub(r"<script.*?</script>|<[^>]+>", "", body, flags=re.S)
    return body.replace("(E)", "")  # ADR's tunnel code is written in its brackets


def half_width(text: str) -> list[str]:
    """Each half-width bracket or ", " with a little around it."""
    return [text[max(m.start() - 20, 0) : m.end() + 20] for m in re.finditer(r"[()]|, ", text)]


def test_the_dangerous_goods_document_reads_the_chinese_way(client, auth, world):
    auth.login(world["dispatcher"].email)
    page = client.get(f"/routes/{world['route_id']}/dangerous-goods").get_data(as_text=True)
    assert "（预约 #" in page and "）" in page
    found = half_width(chinese_text(page))
    assert found == [], "\n".join(found)
    client.get("/lang/en")
    english = client.get(f"/routes/{world['route_id']}/dangerous-goods").get_data(as_text=True)
    assert " (Booking #" in english


def test_the_plans_move_form_reads_the_chinese_way(client, auth, world):
    route = db.session.get(PlanRoute, world["route_id"])
    route.plan.status = PlanStatus.DRAFT  # the move form is on a draft
    left = world["bookings"][-1]
    route.plan.unassigned.append(
        PlanUnassigned(booking_id=left, reason="skill_missing", message="no hazmat truck")
    )
    db.session.commit()
    auth.login(world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{route.plan_id}").get_data(as_text=True)
    form = page.split('id="move"')[1].split("</form>")[0]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", form)
    assert any(f"（{route.truck.plate}）" in o for o in options), options
    assert any(o.startswith(f"#{left} ") and o.endswith("（未安排）") for o in options), options
    assert [o for o in options if "(" in o or ")" in o] == []


def test_a_long_code_list_in_the_note_refusal_reads_the_chinese_way(app):
    codes = tuple(f"C{i}" for i in range(8))
    with app.test_request_context(headers={"Cookie": "lang=zh_CN"}):
        found = differences(codes, (), Decimal("700"), Decimal("500"))
        with pytest.raises(Invalid) as refused:
            require_note(found, Decimal("500"), Decimal("700"), "")
    said = str(refused.value)
    assert "C0、C1" in said and "（+3）" in said, said
    assert half_width(said) == [] and "。 " not in said, said


def test_a_refused_move_names_its_stop_day_and_hours_the_chinese_way(app):
    """The move refusal read "东安网点 (#7)", "00:30 (+1d)" and "9 h 00" on a Chinese page."""
    from types import SimpleNamespace

    from flask_babel import force_locale

    from lithloop.services.dispatch.plan_refusals import explain

    booking = SimpleNamespace(
        id=7, site=SimpleNamespace(name="东安网点"), window_start=time(9), window_end=time(11)
    )
    day = SimpleNamespace(trucks={}, bookings={7: booking}, orders={})
    late = "3: stop 7: arrival 88200 after its last time window"
    long_day = "3: working time 32400 > 28800"
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            chinese = [explain(day, late), explain(day, long_day)]
        with force_locale("en"):
            english = [explain(day, late), explain(day, long_day)]
    assert "东安网点（#7）" in chinese[0] and "00:30（+1 天）" in chinese[0], chinese
    assert "9 小时 00 分" in chinese[1], chinese
    assert half_width(" ".join(chinese)) == [], chinese
    assert "东安网点 (#7)" in english[0] and "00:30 (+1 d)" in english[0], english
    assert "9 h 00" in english[1], english
