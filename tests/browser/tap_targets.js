() => {
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.body.querySelectorAll(sel)) {
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    if (el.closest('svg, .leaflet-container')) continue;
    let box = el.getBoundingClientRect();
    if (box.right <= 0 || box.bottom <= 0) continue;  // parked off-screen (a default submit)
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      const label = el.closest('label') || (el.id && document.querySelector('label[for="' + el.id + '"]'));
      if (label) box = label.getBoundingClientRect();
      else { const cell = el.closest('td'); if (cell) box = cell.getBoundingClientRect(); }
    }
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') {
      const around = [...el.parentElement.childNodes].some(n => n !== el && n.nodeType === 3 && n.data.trim());
      if (around) continue;
    }
    if (box.width < 43.5 || box.height < 43.5)
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' +
               Math.round(box.width) + 'x' + Math.round(box.height) + ' "' +
               (el.textContent || el.value || el.name || '').trim().slice(0, 30) + '"');
    if (out.length > 8) break;
  }
  return out;
}
