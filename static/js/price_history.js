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
  // Each version sits at its effective date (days since 1970-01-01) on a linear time axis:
  // a year between two versions is drawn wider than a week, so slopes compare over time.
  var days = history.days;
  // The last version's prices hold until today: their step runs on to today's date, not
  // ending at the last change as if it were recent.
  var last = days.length ? days[days.length - 1] : null;
  var through = last !== null && history.today > last ? history.today : last;
  function dateOf(day) { return new Date(Math.round(day) * 86400000).toISOString().slice(0, 10); }
  var datasets = Object.keys(history.series).map(function (key, i) {
    var points = history.series[key].map(function (v, j) {
      return { x: days[j], y: v === null ? null : Number(v) };
    });
    if (points.length && through > last) {
      points.push({ x: through, y: points[points.length - 1].y });
    }
    return {
      label: names[key] || key,
      data: points,
      borderColor: colours[i % colours.length],
      backgroundColor: colours[i % colours.length],
      yAxisID: left.indexOf(key) >= 0 ? "y" : "y2",
      stepped: true,  // a version's price holds until the next version's date
      // a dot per version; none at today's end of the last step (no version there)
      pointRadius: function (ctx) { return ctx.dataIndex < days.length ? 3 : 0; }
    };
  });
  new Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    options: {
      responsive: true, maintainAspectRatio: false,
      interaction: { mode: "x", intersect: false },
      scales: {
        x: {
          type: "linear",
          min: days.length ? days[0] : undefined,
          max: days.length ? through : undefined,
          ticks: { callback: dateOf, minRotation: 45, maxRotation: 45, maxTicksLimit: 6 }
        },
        y: { position: "left", title: { display: Boolean(unit), text: unit } },
        y2: {
          position: "right", grid: { drawOnChartArea: false },
          title: { display: Boolean(unit), text: unit }
        }
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? dateOf(items[0].parsed.x) : ""; }
          }
        }
      }
    }
  });
})();
