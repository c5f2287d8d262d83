// Phone tables: label each cell with its column heading so the CSS can show one card per row.
(function () {
  function label(table) {
    var heads = table.tHead && table.tHead.rows.length ? table.tHead.rows[0].cells : null;
    if (!heads) return;
    var names = [];
    for (var i = 0; i < heads.length; i++) {
      var span = heads[i].colSpan || 1;
      for (var k = 0; k < span; k++) names.push(heads[i].textContent.trim());
    }
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var col = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[col] || "");
          col += cell.colSpan || 1;
        }
      }
    }
    // totals: a row of one amount stays one line; a row of several labels each amount
    var foot = table.tFoot ? table.tFoot.rows : [];
    for (var f = 0; f < foot.length; f++) {
      var cells = foot[f].cells, at = [], pos = 0, filled = 0;
      for (var c2 = 0; c2 < cells.length; c2++) {
        at.push(pos);
        pos += cells[c2].colSpan || 1;
        if (c2 > 0 && cells[c2].textContent.trim()) filled++;
      }
      if (filled < 2) continue;
      foot[f].classList.add("multi");
      for (var c3 = 1; c3 < cells.length; c3++) {
        if (!cells[c3].hasAttribute("data-label")) cells[c3].setAttribute("data-label", names[at[c3]] || "");
      }
    }
    table.classList.add("cards");
  }
  function all() {
    var tables = document.querySelectorAll(".scroll[data-cards] table");
    for (var i = 0; i < tables.length; i++) label(tables[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
  document.addEventListener("htmx:afterSwap", all);
})();
