"""A driver reports a second exception at the same stop (nobody there, then the dealer
refuses once reached; the buyer absent, then refusing the packs): as a real driver app
keeps a stop's log, the second adds to the first. The driver's page lists both (a
delivery stop listed none: only its chip said 异常), and the dispatcher's live panel shows
the latest with the earlier one under it (it showed the latest alone: the first was lost
there)."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import PlanRoute
from tests import worlds
from tests.conftest import submit
from tests.market.test_delivery_back import _delivery_today
from tests.plain_language import untranslated
from tests.web.test_driver import post, stops

world = worlds.published_route


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _live(client, auth, dispatcher, plan_id: int) -> str:
    auth.logout()
    auth.login(dispatcher.email)
    panel = client.get(f"/dispatch/plans/{plan_id}/live", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    return panel.get_data(as_text=True)


def test_a_second_exception_at_a_pickup_adds_to_the_first(client, auth, world):
    auth.login(world["driver"].email)
    stop = stops(world)[1]
    first = post(client, stop, "exception", {"reason": "nobody_there", "note": "门卫不在"})
    second = post(client, stop, "exception", {"reason": "refused", "note": "经销店不让装车"})
    assert first.status_code == second.status_code == 302
    page = _text(client.get("/driver/").get_data(as_text=True))
    assert page.index("现场无人。门卫不在") < page.index("拒绝交货。经销店不让装车")
    plan_id = db.session.get(PlanRoute, world["route_id"]).plan_id
    panel = _live(client, auth, world["dispatcher"], plan_id)
    shown = panel.split(f'id="exception-{stop.id}"')[1].split("</form>")[0]
    latest = _text(shown.split("</p>")[0])
    assert "拒绝交货。经销店不让装车" in latest and "门卫不在" not in latest
    earlier = _text(shown.split('class="rows earlier-exceptions"')[1].split("</ul>")[0])
    assert "此前于" in earlier and "现场无人。门卫不在" in earlier, earlier
    assert untranslated(earlier) == []
    assert panel.count('id="exception-') == 1  # one stop, one entry


def test_a_second_exception_at_a_delivery_adds_to_the_first(client, auth, app):
    order, route, driver, dispatcher = _delivery_today()
    stop = route.stops[1]
    auth.login(driver.email)
    url = f"/driver/stops/{stop.id}/exception"
    for reason, note in (("nobody_there", "电话打不通"), ("refused", "买方拒收")):
        sent = submit(client, url, {"reason": reason, "note": note}, page="/driver/")
        assert sent.status_code == 302
    page = client.get("/driver/").get_data(as_text=True)
    card = _text(page.split(f'id="stop-{stop.id}"')[1].split("</details>")[0])
    assert card.index("电话打不通") < card.index("买方拒收"), card
    assert "司机未能送货：无人收货。电话打不通" in card, card
    told = re.findall(r'<p class="warning">(.*?)</p>', page.split(f'id="stop-{stop.id}"')[1])
    assert len(told) == 2 and untranslated(_text(" ".join(told))) == [], told
    panel = _live(client, auth, dispatcher, route.plan_id)
    shown = panel.split(f'id="exception-{stop.id}"')[1].split("</form>")[0]
    assert "买方拒收" in _text(shown.split("</p>")[0])
    earlier = _text(shown.split('class="rows earlier-exceptions"')[1].split("</ul>")[0])
    assert "司机未能送货：无人收货。电话打不通" in earlier, earlier
