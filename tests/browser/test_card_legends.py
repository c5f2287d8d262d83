"""A fieldset drawn as a card keeps its legend inside the card at phone width: the receiving
form's "Lot 1: NCM523 · 4 packs · 1,260.00 kg · Damaged / defective (SP376)" took two lines
that straddled the card's top edge, the first one outside the card."""

from __future__ import annotations

from tests.browser.conftest import new_page

LOT = """() => {
  const card = document.createElement('fieldset');
  card.className = 'card lot';
  card.innerHTML = '<legend>Lot 1: NCM523 · 4 packs · 1,260.00 kg · Damaged / defective '
    + '(SP376)</legend><div class="field"><label for="m">Weighed mass (kg)</label>'
    + '<input id="m"></div>';
  document.querySelector('main').prepend(card);
  const box = card.getBoundingClientRect(), legend = card.querySelector('legend');
  const inner = legend.getBoundingClientRect();
  // inside: below the card's top edge (a legend on the edge starts where the card's box does)
  return [inner.top >= box.top + 1, inner.right <= box.right, inner.height > 30];
}"""


def test_a_lot_legend_of_two_lines_stays_inside_its_card_on_a_phone(browser, live_server):
    """The receiving page's lot card, with the stylesheet of every page (the page itself
    needs a truck back from its round, which other journeys use)."""
    page = new_page(browser, live_server.url, phone=True, lang="en")
    page.goto("/login")
    inside, within, two_lines = page.evaluate(LOT)
    assert two_lines  # the case that broke: a legend wrapping at 390 px
    assert inside and within
    page.context.close()
