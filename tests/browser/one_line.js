() => {
  const out = [];
  // Line boxes a range occupies: its rectangles grouped by vertical overlap (an inline-block
  // and the text inside it are one line, though their boxes differ in height).
  const lines = (range) => {
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0)
      .sort((a, b) => a.top - b.top);
    let count = 0, bottom = -Infinity;
    for (const r of rects) {
      if (r.top >= bottom - 1) { count++; bottom = r.bottom; } else bottom = Math.max(bottom, r.bottom);
    }
    return count;
  };
  const visible = (el) => el && el.checkVisibility && el.checkVisibility({visibilityProperty: true});
  for (const el of document.body.querySelectorAll('.money, .code, code, time, .nowrap')) {
    if (!visible(el) || !el.textContent.trim() || el.closest('pre')) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    if (lines(range) > 1) out.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + el.textContent.trim().slice(0, 40) + '"');
  }
  const pattern = /-?¥\s?\d[\d,]*(?:\.\d+)?|\b[0-9A-Z]{16,}\b|#\d+/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!visible(node.parentElement) || node.parentElement.closest('pre, script, style, .typed-text')) continue;
    for (const m of node.data.matchAll(pattern)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      if (lines(range) > 1) out.push('"' + m[0] + '" in ' + node.parentElement.tagName.toLowerCase());
    }
    if (out.length > 8) break;
  }
  return out;
}
