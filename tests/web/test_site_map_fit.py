"""The dealer's site map fits the main group of sites: one far-away site is drawn at the
map's edge and named, instead of squeezing the others into a blob; the person can ask for
all sites on the map."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.geo.projection import main_group
from tests import worlds
from tests.factories import SiteFactory

dealer = worlds.logged_in_dealer

NEAR = [(44.55, 129.60), (44.60, 129.65), (44.58, 129.55), (44.62, 129.58)]  # Mudanjiang
FAR = (44.40, 131.15)  # Suifenhe, about 125 km east


def test_the_far_point_is_outside_the_main_group_and_the_park_never_is():
    assert main_group([*NEAR, FAR]) == [True, True, True, True, False]
    assert main_group([*NEAR, FAR], always={4}) == [True] * 5
    assert main_group(NEAR[:2] + [FAR]) == [True, True, False]
    assert main_group([NEAR[0], FAR]) == [True, True]  # two points: nothing to set apart
    spread = [(44.5, 129.6), (45.3, 130.9), (44.4, 131.1), (46.0, 129.0)]  # a region: no blob
    assert all(main_group(spread))


def _circles(page: str) -> list[tuple[float, float, str]]:
    found = re.findall(
        r'<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" class="dot ([a-z_ ]+)"', page
    )
    return [(float(x), float(y), kind) for x, y, kind in found]


def test_the_sites_map_fits_the_main_group_and_marks_the_far_site(client, dealer):
    org = dealer.organisation
    for i, (lat, lon) in enumerate(NEAR):
        SiteFactory(organisation=org, name=f"市区网点{i}", lat=lat, lon=lon)
    SiteFactory(organisation=org, name="绥芬河网点", lat=FAR[0], lon=FAR[1])
    db.session.commit()
    page = client.get("/sites/").get_data(as_text=True)
    dots = _circles(page)
    near = [(x, y) for x, y, kind in dots if "far" not in kind]
    (far,) = [(x, y) for x, y, kind in dots if "far" in kind]
    width = float(re.search(r'<svg viewBox="0 0 (\d+) ', page).group(1))
    xs = [x for x, _ in near]
    assert max(xs) - min(xs) > width / 2  # the city's sites spread over the map
    assert far[0] >= width - 12 - 0.1  # Suifenhe lies east: at the right edge
    assert "1 个站点离其他站点较远，以空心圆画在地图边缘：绥芬河网点。" in page
    assert 'href="/sites/?map=all#site-map"' in page
    whole = client.get("/sites/?map=all").get_data(as_text=True)
    dots = _circles(whole)
    assert not [d for d in dots if "far" in d[2]]
    xs = sorted(x for x, _y, _kind in dots)
    assert xs[3] - xs[0] < width / 4 < xs[4] - xs[3]  # all sites: the city beside Suifenhe
    assert "地图只显示主要站点群" in whole


def test_a_lone_site_is_drawn_large_and_named_in_its_district(client, dealer):
    """Walk finding (a new dealer, phone): the one site was a 4 px speck in a 2 km box whose
    scale read "0.2 km"; it is drawn named, in at least 8 km around it."""
    from lithloop.geo.projection import KM_PER_DEGREE, MIN_SPAN_KM, fit_canvas

    SiteFactory(organisation=dealer.organisation, name="东安网点", lat=44.58, lon=129.62)
    db.session.commit()
    page = client.get("/sites/").get_data(as_text=True)
    (circle,) = re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)" class="dot branch"', page)
    assert float(circle) >= 8  # some 4 px at phone width, not 2
    assert re.search(r'<text [^>]*class="site-label">东安网点</text>', page)
    canvas = fit_canvas([(44.58, 129.62)])
    assert (canvas.max_lat - canvas.min_lat) * KM_PER_DEGREE >= MIN_SPAN_KM >= 8
