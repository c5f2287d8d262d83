// Draws the plan's routes with Leaflet on the configured tile server (data from data-geo),
// over the region's boundaries (data-boundaries, a vendored GeoJSON), with place names beside
// their dots (clear of the stops), a scale bar and overlapping stops clustered. Leaflet's
// bindTooltip/bindPopup read a string as HTML: server data (plates, site names, place
// names) is handed over as a DOM text node.
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
  // px between a place's dot and its name (Leaflet adds 6 px of margin on the name's side)
  var LABEL_GAP = 10;
  var OFFSETS = { right: [LABEL_GAP, 0], left: [-LABEL_GAP, 0], top: [0, -LABEL_GAP], bottom: [0, LABEL_GAP] };
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  var geo = JSON.parse(el.dataset.geo);
  var map = L.map(el);
  // the view first (Leaflet 1.9.4 raised an error when a place dot with its permanent name
  // was added to a map without a view); the layers are then drawn as added, in order
  var bounds = L.latLngBounds([geo.park]);
  geo.routes.forEach(function (route) {
    route.stops.forEach(function (stop) { bounds.extend([stop.lat, stop.lon]); });
  });
  geo.left_out.forEach(function (p) { bounds.extend(p); });
  map.fitBounds(bounds.pad(0.1));
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
  // Each place is a small dot with its name beside it, never on it, a gap wider than a stop
  // mark or a cluster (at most 13 px from its centre) away, so that a stop at the place
  // neither hides the name nor is hidden by it. The dots are drawn first, beneath the routes.
  var RANK = { city: 0, county: 1, district: 2 };
  var places = (geo.places || []).slice().sort(function (a, b) {
    return (a.kind in RANK ? RANK[a.kind] : 3) - (b.kind in RANK ? RANK[b.kind] : 3);
  });
  var dots = places.map(function (p) {
    return L.circleMarker([p.lat, p.lon], {
      radius: 2, weight: 1, color: "#2c3a33", fillColor: "#2c3a33", fillOpacity: 1,
      interactive: false, className: "place-dot"
    }).bindTooltip(asText(p.text), {
      permanent: true, direction: "right", offset: [LABEL_GAP, 0], className: "place-label", interactive: false
    }).addTo(map);
  });
  var parkMark = L.circleMarker(geo.park, { radius: 8, color: "#1b2530", fillOpacity: 1, className: "park-mark" }).addTo(map);
  var stops = [];
  geo.routes.forEach(function (route) {
    L.polyline(route.points, { color: route.colour, weight: 4 }).bindTooltip(asText(route.plate)).addTo(map);
    route.stops.forEach(function (stop) {
      // numbered as in the timeline and on the driver's phone (an unloading counts)
      stops.push({ lat: stop.lat, lon: stop.lon, colour: route.colour, text: route.plate + " " + stop.n + ". " + stop.name, short: stop.n + ". " + stop.name });
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
        L.circleMarker([first.lat, first.lon], { radius: 7, color: first.colour, fillOpacity: 0.9, className: "stop-mark" })
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
  });
  function placeLabels() {
    // Cities first, then counties, then districts: each name goes on the first side of its
    // dot where it stays on the map and covers no stop, dot or name placed before it (towards
    // the map's middle first, so also on a phone-wide map; then away, above, below); else on
    // a side where it covers no stop and no name (past the map's edge or over a dot); else it
    // is left out until a zoom makes room (a stop matters more than a place name).
    var frame = el.getBoundingClientRect();
    var middle = map.getSize().x / 2;
    var stopsTaken = [parkMark.getElement()];
    marks.eachLayer(function (m) { stopsTaken.push(m.getElement()); });
    stopsTaken = stopsTaken.filter(Boolean).map(function (n) { return n.getBoundingClientRect(); });
    var shown = dots.filter(function (dot) {
      var node = dot.getTooltip().getElement();
      if (node) { node.style.visibility = "hidden"; }
      return node && map.getBounds().contains(dot.getLatLng());
    });
    var dotsTaken = shown.map(function (dot) { return dot.getElement().getBoundingClientRect(); });
    var namesTaken = [];
    function clear(box, boxes) { return !boxes.some(function (t) { return overlaps(box, t); }); }
    shown.forEach(function (dot) {
      var tip = dot.getTooltip();
      var node = tip.getElement();
      var own = dot.getElement();
      var sides = map.latLngToContainerPoint(dot.getLatLng()).x < middle
        ? ["right", "left", "top", "bottom"] : ["left", "right", "top", "bottom"];
      function put(side) {
        tip.options.direction = side;
        tip.options.offset = OFFSETS[side];
        tip.update();
        return node.getBoundingClientRect();
      }
      var others = dotsTaken.filter(function (b, i) { return shown[i].getElement() !== own; });
      var side = sides.find(function (s) {
        var box = put(s);
        var inside = box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom;
        return inside && clear(box, stopsTaken) && clear(box, others) && clear(box, namesTaken);
      }) || sides.find(function (s) {
        var box = put(s);
        return clear(box, stopsTaken) && clear(box, namesTaken);
      });
      if (side) { namesTaken.push(put(side)); }
      node.style.visibility = side ? "" : "hidden"; // Leaflet's update() shows it again
    });
  }
  drawStops();
  placeLabels();
  map.on("zoomend", drawStops);
  map.on("moveend", placeLabels); // after zoomend, so with the stops as drawn at the new zoom
});
