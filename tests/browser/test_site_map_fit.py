"""The dealer's site map at phone width: with one site far away (Suifenhe), the city's
sites stay apart on the map, the far one is a ring at the map's edge, and 'show all sites'
fits every site."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Site, User
from tests.browser.conftest import log_in, new_page


def _spread(page) -> float:
    """The smallest on-screen distance (px) between two near (not far) site dots."""
    return page.evaluate(
        """() => {
          const c = [...document.querySelectorAll('#site-map circle.dot:not(.far):not(.park)')]
            .map(e => e.getBoundingClientRect()).map(r => [r.x + r.width / 2, r.y + r.height / 2]);
          let best = Infinity;
          c.forEach((a, i) => c.slice(i + 1).forEach(b => {
            best = Math.min(best, Math.hypot(a[0] - b[0], a[1] - b[1]));
          }));
          return best;
        }"""
    )


def test_a_far_site_does_not_squeeze_the_others(browser, live_server):
    app = live_server.app
    with app.app_context():
        dealer = db.session.scalar(sa.select(User).where(User.email == "dealer@demo.lithloop"))
        org = dealer.organisation
        mine = list(db.session.scalars(sa.select(Site).where(Site.organisation_id == org.id)))
        base = mine[0]
        added = []
        for i, (dlat, dlon) in enumerate([(0.03, 0.02), (-0.02, 0.04), (0.01, -0.03)]):
            added.append(
                Site(
                    organisation=org,
                    name=f"市区测试网点{i}",
                    lat=base.lat + dlat,
                    lon=base.lon + dlon,
                    city=base.city,
                    opens_at=base.opens_at,
                    closes_at=base.closes_at,
                )
            )
        far = Site(
            organisation=org,
            name="绥芬河测试网点",
            lat=44.40,
            lon=131.15,
            city="绥芬河市",
            opens_at=base.opens_at,
            closes_at=base.closes_at,
        )
        db.session.add_all([*added, far])
        db.session.commit()
        ids = [s.id for s in [*added, far]]
    try:
        page = new_page(browser, live_server.url, phone=True)
        log_in(page, "dealer@demo.lithloop")
        page.goto("/sites/")
        svg = page.locator("#site-map svg").bounding_box()
        ring = page.locator("#site-map circle.dot.far").bounding_box()
        assert (
            ring
            and svg["x"] <= ring["x"]
            and ring["x"] + ring["width"] <= svg["x"] + svg["width"] + 1
        )
        assert ring["x"] + ring["width"] > svg["x"] + svg["width"] * 0.9  # east: the right edge
        assert _spread(page) > 8, "the city's sites are a blob"
        caption = page.locator("#site-map figcaption .map-far")
        assert caption.is_visible() and "绥芬河测试网点" in caption.inner_text()
        page.locator("#site-map figcaption .map-far a").click()
        page.wait_for_load_state()
        assert "map=all" in page.url
        assert page.locator("#site-map circle.dot.far").count() == 0
        assert page.locator("#site-map figcaption .map-far a").is_visible()
        page.context.close()
    finally:
        with app.app_context():
            for site_id in ids:
                db.session.delete(db.session.get(Site, site_id))
            db.session.commit()
