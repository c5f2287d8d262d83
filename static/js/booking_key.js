// Back to the booking form after booking (the back button), the browser restores the lots,
// day and window typed, but the page came with a new idempotency key (a browser restores no
// hidden field, nor, after a submit, a visually hidden one): confirming again made a second
// booking of the same packs. The key sent is kept for the tab; a page reached by back or
// forward sends it again, so the server repeats the same booking (or, with a field changed,
// asks to check it and gives a new key).
(function () {
  "use strict";
  var key = document.querySelector("form input[name=idempotency_key]");
  if (!key) { return; }
  var STORE = "lithloop-booking-key";
  try {
    var nav = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation")[0] : null;
    var sent = window.sessionStorage.getItem(STORE);
    if (sent && nav && nav.type === "back_forward") { key.value = sent; }
    key.form.addEventListener("submit", function () {
      window.sessionStorage.setItem(STORE, key.value);
    });
  } catch (e) { /* storage refused (private mode): the page works as before */ }
})();
