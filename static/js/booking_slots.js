// The booking form's time windows are marked against the chosen site's opening hours. They
// were marked for the first site only: choosing another left "outside opening hours" on
// windows it opens for, and the window chosen by default one it is closed in. On a change of
// site, mark each window again and, when the window chosen is one the site is closed in, take
// the first open one.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var site = document.getElementById("site_id");
  var slot = document.getElementById("slot");
  if (!site || !slot) { return; }
  // `move`: a chosen window the site is closed in gives way to its first open one (a change
  // of site); on a page shown again (Back), the browser restores the site chosen, and the
  // windows are marked for it, the one chosen kept (a refusal may name it)
  function mark(move) {
    var chosen = site.options[site.selectedIndex];
    if (!chosen) { return; }
    var opens = chosen.dataset.opens, closes = chosen.dataset.closes;
    if (!opens || !closes) { return; }
    var hours = document.getElementById("site-hours"); // under the select: names stay short
    if (hours) { hours.textContent = hours.dataset.label + opens + "\u2013" + closes; }
    var firstInside = null;
    var inside = Array.prototype.map.call(slot.options, function (option) {
      var window = option.value.split("-"); // "08:00-10:00"; HH:MM compares as text
      return window[0] >= opens && window[1] <= closes;
    });
    Array.prototype.forEach.call(slot.options, function (option, i) {
      option.textContent = option.dataset.label + (inside[i] ? "" : slot.dataset.outside);
      if (inside[i] && firstInside === null) { firstInside = option; }
    });
    if (move && firstInside && slot.selectedIndex >= 0 && !inside[slot.selectedIndex]) {
      firstInside.selected = true; // a window the new site is closed in is not kept
    }
    // windows outside the hours cannot be chosen (they were offered, then refused), unless
    // the site is open for none of them: then the refusal says what its hours are
    Array.prototype.forEach.call(slot.options, function (option, i) {
      option.disabled = Boolean(firstInside) && !inside[i] && !option.selected;
    });
  }
  site.addEventListener("change", function () { mark(true); });
  window.addEventListener("pageshow", function () { mark(false); });
  mark(false);
});

// A lot's codes box is named after the lot's form (pack, module or cell codes): on a change
// of form, its label reads the words the page put in its data attributes.
document.addEventListener("change", function (event) {
  "use strict";
  var select = event.target;
  if (!select.id || !/^lots-\d+-form$/.test(select.id)) { return; }
  var label = document.querySelector("label[for='" + select.id.replace(/form$/, "codes") + "']");
  if (!label) { return; }
  label.textContent = label.dataset[select.value] || label.dataset.pack;
});
