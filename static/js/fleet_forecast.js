// Draws the fleet retirement forecast (packs and kWh due per month) from data attributes.
(function () {
  "use strict";
  var canvas = document.getElementById("fleet-forecast");
  if (!canvas || typeof Chart === "undefined") { return; }
  var chart = JSON.parse(canvas.dataset.chart);
  var names = JSON.parse(canvas.dataset.labels);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [
        { label: names.packs, data: chart.packs, backgroundColor: "#0b7a5a", yAxisID: "y" },
        { label: names.kwh, data: chart.kwh, backgroundColor: "#f79009", yAxisID: "y2" }
      ]
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        // every month named (every other one was, at phone width), upright or slanted
        x: { ticks: { autoSkip: false, maxRotation: 90, minRotation: 0 } },
        // each axis says what it counts (two axes, one legend, read as one scale), in whole
        // numbers (an empty forecast's kWh axis read 0.1, 0.2 … 1.0)
        y: { position: "left", beginAtZero: true, ticks: { precision: 0 },
             title: { display: true, text: names.packs } },
        y2: { position: "right", beginAtZero: true, ticks: { precision: 0 },
              title: { display: true, text: names.kwh }, grid: { drawOnChartArea: false } }
      }
    }
  });
})();
