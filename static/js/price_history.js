// Draws the price-index history chart from the canvas's data attributes (no inline script).
(function () {
  "use strict";
  var canvas = document.getElementById("price-history");
  if (!canvas || typeof Chart === "undefined") { return; }
  var history = JSON.parse(canvas.dataset.history);
  var names = JSON.parse(canvas.dataset.labels);
  var left = JSON.parse(canvas.dataset.left || "[]");  // the prices read on the left axis
  var unit = canvas.dataset.unit || "";  // both axes; the legend says which price reads on which
  var colours = ["#0b7a5a", "#2e90fa", "#f79009", "#d92d20"];
  var datasets = Object.keys(history.series).map(function (key, i) {
    return {
      label: names[key] || key,
      data: history.series[key].map(function (v) { return v === null ? null : Number(v); }),
      borderColor: colours[i % colours.length],
      backgroundColor: colours[i % colours.length],
      yAxisID: left.indexOf(key) >= 0 ? "y" : "y2",
      tension: 0.2
    };
  });
  new Chart(canvas, {
    type: "line",
    data: { labels: history.labels, datasets: datasets },
    options: {
      responsive: true, maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        y: { position: "left", title: { display: Boolean(unit), text: unit } },
        y2: {
          position: "right", grid: { drawOnChartArea: false },
          title: { display: Boolean(unit), text: unit }
        }
      }
    }
  });
})();
