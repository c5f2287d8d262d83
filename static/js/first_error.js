// A form the server refused comes back with the reason beside the field, and on a phone that
// can be screens below where the page opens (the assembly form follows its list of parent
// packs, the roster has a block per truck): the page seemed to do nothing. Bring the first
// refused field into view, unless the address names a place of its own (#stop-12, #move).
(function () {
  if (window.location.hash) return;
  var refused = document.querySelector("main form .has-error, main form .error[role=alert]");
  if (!refused) return;
  var box = refused.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= window.innerHeight) return;
  refused.scrollIntoView({block: "center"});
})();
