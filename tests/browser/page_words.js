() => {
  const bits = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('option, [placeholder], [title], [aria-label]')) {
    if (el.closest('code, pre, kbd, samp')) continue;
    bits.push(el.tagName === 'OPTION' ? el.textContent : '');
    for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) bits.push(el.getAttribute(a));
  }
  let code = '';
  for (const el of document.querySelectorAll('code, pre, kbd, samp')) code += el.innerText + '\n';
  return {text: bits.join('\n'), code};
}
