// Clicking the site map moves the pin and writes the coordinates into the form.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var svg = document.getElementById("site-picker");
  if (!svg) { return; }
  var b = JSON.parse(svg.dataset.bounds); // [minLat, maxLat, minLon, maxLon, margin]
  var w = Number(svg.dataset.width), h = Number(svg.dataset.height);
  var pin = document.getElementById("site-pin");
  svg.addEventListener("click", function (event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    var lon = b[2] + (local.x - b[4]) / (w - 2 * b[4]) * (b[3] - b[2]);
    var lat = b[1] - (local.y - b[4]) / (h - 2 * b[4]) * (b[1] - b[0]);
    pin.setAttribute("cx", local.x.toFixed(1));
    pin.setAttribute("cy", local.y.toFixed(1));
    document.getElementById("lat").value = lat.toFixed(5);
    document.getElementById("lon").value = lon.toFixed(5);
  });
});
