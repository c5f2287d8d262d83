// Draws the plan's routes with Leaflet on the configured tile server (data from data-geo).
// Leaflet's bindTooltip/bindPopup read a string as HTML: server data (plates, site names,
// delivery addresses) is handed over as a DOM text node, never as markup.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var el = document.getElementById("plan-map");
  if (!el || typeof L === "undefined") { return; }
  function asText(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }
  var geo = JSON.parse(el.dataset.geo);
  var map = L.map(el);
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  var bounds = L.latLngBounds([geo.park]);
  L.circleMarker(geo.park, { radius: 8, color: "#1b2530", fillOpacity: 1 }).addTo(map);
  geo.routes.forEach(function (route) {
    L.polyline(route.points, { color: route.colour, weight: 4 }).bindTooltip(asText(route.plate)).addTo(map);
    route.stops.forEach(function (stop, i) {
      L.circleMarker([stop.lat, stop.lon], { radius: 7, color: route.colour, fillOpacity: 0.9 })
        .bindTooltip(asText((i + 1) + ". " + stop.name)).addTo(map);
      bounds.extend([stop.lat, stop.lon]);
    });
  });
  geo.left_out.forEach(function (p) {
    L.circleMarker(p, { radius: 6, color: "#d92d20", dashArray: "2 2", fill: false }).addTo(map);
    bounds.extend(p);
  });
  map.fitBounds(bounds.pad(0.1));
});
