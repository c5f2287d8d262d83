() => {
  // People's own words (names, notes: marked translate="no"), code samples and text declared
  // in a language on purpose (the bilingual labels of transport documents, lang="en" and
  // lang="zh-CN") are left out.
  const skip = 'code, pre, kbd, samp, [translate=no], [lang|=en], [lang|=zh]';
  let text = document.body.innerText;
  const left = [...document.body.querySelectorAll(skip)].map(el => el.innerText)
    .filter(own => own && own.trim()).sort((a, b) => b.length - a.length);  // longest first
  for (const own of left) text = text.split(own).join(' ');
  const bits = [document.title, text];
  for (const el of document.querySelectorAll('option, [placeholder], [title], [aria-label]')) {
    if (el.closest(skip)) continue;
    if (el.tagName === 'OPTION') bits.push(el.textContent);
    for (const a of ['placeholder', 'title', 'aria-label']) {
      if (el.getAttribute(a)) bits.push(el.getAttribute(a));
    }
  }
  return {text: bits.join('\n')};
}
