// Draws each dashboard chart from its canvas's data-chart attribute (no inline script).
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var colours = ["#0b7a5a", "#2e90fa", "#f79009", "#d92d20", "#7a5af8"];
  var locale = document.documentElement.lang || "zh-CN";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    var datasets = spec.datasets.map(function (set, i) {
      return {
        label: set.label,
        data: set.data.map(function (v) { return v === null ? null : Number(v); }),
        backgroundColor: colours[i % colours.length],
        borderColor: colours[i % colours.length]
      };
    });
    // The value axis is named with its unit, counts tick in whole numbers, and the title
    // says what the chart shows (a single series has no legend to say it).
    var valueAxis = spec.horizontal ? "x" : "y";
    var categoryAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      title: { display: Boolean(spec.value_axis), text: spec.value_axis },
      ticks: spec.integer ? { precision: 0 } : {}
    };
    scales[categoryAxis] = {
      title: { display: Boolean(spec.category_axis), text: spec.category_axis }
    };
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, locale: locale,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: scales,
        plugins: {
          title: { display: Boolean(spec.title), text: spec.title },
          legend: { display: datasets.length > 1 }
        }
      }
    });
  });
})();
