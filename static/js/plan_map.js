// Draws the plan's routes with Leaflet on the configured tile server (data from data-geo),
// over the region's boundaries (data-boundaries, a vendored GeoJSON), with place labels, a
// scale bar and overlapping stops clustered. Leaflet's bindTooltip/bindPopup read a string
// as HTML: server data (plates, site names, place names) is handed over as a DOM text node.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var el = document.getElementById("plan-map");
  if (!el || typeof L === "undefined") { return; }
  function asText(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }
  function asLines(lines) {
    var div = document.createElement("div");
    lines.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = String(line);
      div.appendChild(row);
    });
    return div;
  }
  var geo = JSON.parse(el.dataset.geo);
  var map = L.map(el);
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  if (el.dataset.boundaries && window.fetch) {
    fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {
        interactive: false,
        style: function (f) {
          return f.properties.level === "prefecture"
            ? { color: "#6b8577", weight: 1.6, fill: false }
            : { color: "#9fb3a8", weight: 0.7, fill: false };
        }
      }).addTo(map).bringToBack();
    }).catch(function () { /* the routes stay drawn without the boundaries */ });
  }
  var labels = L.layerGroup().addTo(map);
  (geo.places || []).forEach(function (p) {
    L.tooltip({ permanent: true, direction: "center", className: "place-label", interactive: false })
      .setLatLng([p.lat, p.lon]).setContent(asText(p.text)).addTo(labels);
  });
  var bounds = L.latLngBounds([geo.park]);
  L.circleMarker(geo.park, { radius: 8, color: "#1b2530", fillOpacity: 1 }).addTo(map);
  var stops = [];
  geo.routes.forEach(function (route) {
    L.polyline(route.points, { color: route.colour, weight: 4 }).bindTooltip(asText(route.plate)).addTo(map);
    route.stops.forEach(function (stop, i) {
      stops.push({ lat: stop.lat, lon: stop.lon, colour: route.colour, text: route.plate + " " + (i + 1) + ". " + stop.name, short: (i + 1) + ". " + stop.name });
      bounds.extend([stop.lat, stop.lon]);
    });
  });
  var marks = L.layerGroup().addTo(map);
  function drawStops() {
    // stops closer than 16 px at this zoom become one mark with their count
    marks.clearLayers();
    var groups = [];
    stops.forEach(function (s) {
      var pt = map.latLngToLayerPoint([s.lat, s.lon]);
      var group = groups.find(function (g) { return g.pt.distanceTo(pt) < 16; });
      if (group) { group.items.push(s); } else { groups.push({ pt: pt, items: [s] }); }
    });
    groups.forEach(function (g) {
      var first = g.items[0];
      if (g.items.length === 1) {
        L.circleMarker([first.lat, first.lon], { radius: 7, color: first.colour, fillOpacity: 0.9 })
          .bindTooltip(asText(first.short)).addTo(marks);
      } else {
        var icon = L.divIcon({ className: "map-cluster", iconSize: [26, 26] });
        var marker = L.marker([first.lat, first.lon], { icon: icon, keyboard: false });
        marker.on("add", function () {
          var node = marker.getElement();
          if (node) { node.textContent = String(g.items.length); }
        });
        marker.bindTooltip(asLines(g.items.map(function (s) { return s.text; }))).addTo(marks);
      }
    });
  }
  geo.left_out.forEach(function (p) {
    L.circleMarker(p, { radius: 6, color: "#d92d20", dashArray: "2 2", fill: false }).addTo(map);
    bounds.extend(p);
  });
  map.fitBounds(bounds.pad(0.1));
  drawStops();
  map.on("zoomend", drawStops);
});
