// The booking form's time windows are marked against the chosen site's opening hours. They
// were marked for the first site only: choosing another left "outside opening hours" on
// windows it opens for, and the window chosen by default one it is closed in. On a change of
// site, mark each window again and, unless a window was picked by hand, take the first open.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var site = document.getElementById("site_id");
  var slot = document.getElementById("slot");
  if (!site || !slot) { return; }
  var picked = false;
  slot.addEventListener("change", function () { picked = true; });
  site.addEventListener("change", function () {
    var chosen = site.options[site.selectedIndex];
    var opens = chosen.dataset.opens, closes = chosen.dataset.closes;
    if (!opens || !closes) { return; }
    var hours = document.getElementById("site-hours"); // under the select: names stay short
    if (hours) { hours.textContent = hours.dataset.label + opens + "\u2013" + closes; }
    var firstInside = null;
    Array.prototype.forEach.call(slot.options, function (option) {
      var window = option.value.split("-"); // "08:00-10:00"; HH:MM compares as text
      var inside = window[0] >= opens && window[1] <= closes;
      option.textContent = option.dataset.label + (inside ? "" : slot.dataset.outside);
      if (inside && firstInside === null) { firstInside = option; }
    });
    var current = slot.options[slot.selectedIndex];
    if (!picked && firstInside && current && current.textContent !== current.dataset.label) {
      firstInside.selected = true;
    }
  });
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
