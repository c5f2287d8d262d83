() => {
  // Boxes whose own content sticks out of them sideways (a no-wrap code in a link squeezed
  // narrower than the code, drawn over its neighbour): inline boxes and scrollers left out.
  const out = [];
  const visible = (el) => el.checkVisibility && el.checkVisibility({visibilityProperty: true});
  for (const el of document.body.querySelectorAll('a, button, .money, .code, code, .nowrap, td > span')) {
    if (!visible(el) || !el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.overflowX !== 'visible') continue;
    if (el.closest('svg, pre')) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' "' +
        el.textContent.trim().slice(0, 40) + '" ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
    if (out.length > 8) break;
  }
  return out;
}
