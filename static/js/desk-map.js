/* The bureau map: enterprises for the visible box arrive as GeoJSON, are clustered here with
   supercluster, and coloured by their worst open state (colours from the server's state table).
   Filters and the view live in the URL so a view can be shared. Everything exchanged with the
   server and the URL is WGS84; on GCJ-02 tiles points are shifted only where they are drawn. */
(function () {
  "use strict";
  var el = document.getElementById("desk-map");
  if (!el || !window.L || !window.Supercluster || !window.Gcj02) { return; }
  var gcj = el.dataset.gcj02 === "1";
  var shift = window.Gcj02.forMap(gcj);

  var TEXT = JSON.parse(el.dataset.text);
  var legend = JSON.parse(el.dataset.colours);
  var COLOUR = {};
  var SEVERITY = {};
  legend.forEach(function (item) { COLOUR[item.category] = item.colour; SEVERITY[item.category] = item.severity; });
  var BY_SEVERITY = {};
  legend.forEach(function (item) { BY_SEVERITY[item.severity] = item.colour; });

  var form = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var params = new URLSearchParams(window.location.search);

  var map = L.map(el, {
    center: shift.show(parseFloat(params.get("lat") || el.dataset.lat), parseFloat(params.get("lon") || el.dataset.lon)),
    zoom: parseInt(params.get("z") || el.dataset.zoom, 10),
    minZoom: parseInt(el.dataset.minZoom, 10), maxZoom: parseInt(el.dataset.maxZoom, 10),
    preferCanvas: false
  });
  if (window.Basemap && el.dataset.layers) {
    window.Basemap.add(map, el, shift.show);  // own tiles, presets, township boundaries
  } else if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {
      attribution: el.dataset.attribution, subdomains: el.dataset.subdomains,
      maxZoom: parseInt(el.dataset.maxZoom, 10)
    }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);

  var layer = L.layerGroup().addTo(map);
  var index = null;      // supercluster over the points of the last answer
  var gridFeatures = null;
  var controller = null;
  var lastUrl = "";

  function filters() {
    var out = new URLSearchParams();
    // "branch" is there for city staff of a city with branches only (issue 20).
    ["branch", "township", "industry", "action", "state", "risk"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) { out.set(name, field.value); }
    });
    if (form.elements.overdue.checked) { out.set("overdue", "true"); }
    return out;
  }

  function syncUrl() {
    var q = filters();
    var c = map.getCenter(), w = shift.store(c.lat, c.lng);
    q.set("lat", w[0].toFixed(5)); q.set("lon", w[1].toFixed(5)); q.set("z", map.getZoom());
    window.history.replaceState(null, "", window.location.pathname + "?" + q.toString());
  }

  function say(text) { status.textContent = text; }

  function fmt(template, n) { return template.replace("{n}", n.toLocaleString()); }

  // GeoJSON from the server (WGS84) -> the same features placed where the tiles draw them.
  function forDisplay(features) {
    if (!gcj) { return features; }
    return features.map(function (f) {
      var c = f.geometry.coordinates, p = shift.show(c[1], c[0]);
      return { type: "Feature", properties: f.properties, geometry: { type: "Point", coordinates: [p[1], p[0]] } };
    });
  }

  function load() {
    syncUrl();
    var b = map.getBounds().pad(0.15);
    var sw = shift.store(b.getSouth(), b.getWest()), ne = shift.store(b.getNorth(), b.getEast());
    var q = filters();
    q.set("bbox", [sw[1], sw[0], ne[1], ne[0]].map(function (v) { return v.toFixed(5); }).join(","));
    var url = el.dataset.points + "?" + q.toString();
    if (url === lastUrl) { render(); return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    say(TEXT.loading);
    el.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", signal: controller.signal, headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        lastUrl = url;
        if (data.mode === "grid" || data.mode === "townships") {
          index = null; gridFeatures = forDisplay(data.features);
          say(fmt(data.mode === "townships" && TEXT.townships ? TEXT.townships : TEXT.grid, data.total));
        } else {
          gridFeatures = null;
          index = new Supercluster({
            radius: 48, maxZoom: 16,
            map: function (p) { return { sev: SEVERITY[p.worst_state] || 0 }; },
            reduce: function (acc, p) { acc.sev = Math.max(acc.sev, p.sev); }
          }).load(forDisplay(data.features));
          say(fmt(TEXT.enterprises, data.total));
        }
        el.dataset.loaded = String(data.total);
        el.dataset.mode = data.mode;
        el.removeAttribute("aria-busy");
        render();
      })
      .catch(function (err) {
        if (err.name === "AbortError") { return; }
        el.removeAttribute("aria-busy");
        say(TEXT.failed);
      });
  }

  function bubble(count, colour, cls) {
    var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 50;
    // Built as an element, its colour set through the CSSOM: the CSP refuses style attributes.
    var span = document.createElement("span");
    span.style.background = colour;
    span.textContent = count >= 10000 ? Math.round(count / 1000) + "k" : String(count);
    return L.divIcon({ html: span, className: "cluster-icon " + cls, iconSize: [size, size] });
  }

  function render() {
    layer.clearLayers();
    var b = map.getBounds();
    if (gridFeatures) {
      gridFeatures.forEach(function (f) {
        var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        if (!b.pad(0.1).contains(ll)) { return; }
        var cell = L.marker(ll, { icon: bubble(f.properties.count, "#546e7a", f.properties.township_count ? "grid township-count" : "grid"), keyboard: false })
          .on("click", function () { map.setView(ll, Math.min(map.getZoom() + 2, map.getMaxZoom())); })
          .addTo(layer);
        if (f.properties.township_count) {
          // Counts per township: its name under the bubble, as a text node.
          var name = document.createElement("span");
          name.textContent = (f.properties.name || TEXT.no_township || "") + " " + f.properties.count.toLocaleString();
          cell.bindTooltip(name, { permanent: true, direction: "bottom", offset: [0, 14], className: "township-count-label" });
        }
      });
      return;
    }
    if (!index) { return; }
    var clusters = index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], Math.round(map.getZoom()));
    clusters.forEach(function (f) {
      var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      var p = f.properties;
      if (p.cluster) {
        L.marker(ll, { icon: bubble(p.point_count, BY_SEVERITY[p.sev] || "#546e7a", "cluster") })
          .on("click", function () {
            map.setView(ll, Math.min(index.getClusterExpansionZoom(p.cluster_id), map.getMaxZoom()));
          }).addTo(layer);
      } else {
        var m = L.circleMarker(ll, {
          radius: 7, weight: 2, color: "#ffffff", fillOpacity: 0.95,
          fillColor: COLOUR[p.worst_state] || "#546e7a"
        });
        m.feature = f;
        m.bindTooltip(node("span", "", p.name), { direction: "top", offset: [0, -6] });  // text, never HTML
        m.on("click", function () { openPopup(m, p); });
        m.addTo(layer);
      }
    });
  }

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined && text !== null) { n.textContent = text; }
    return n;
  }

  function openPopup(marker, p) {
    var box = node("div", "map-popup");
    box.appendChild(node("strong", "", p.name));
    box.appendChild(node("div", "small muted", (p.credit_code || "") + ((p.township_name || p.township) ? " · " + (p.township_name || p.township) : "")));
    var list = node("ul", "popup-cases");
    list.appendChild(node("li", "muted small", TEXT.loading));
    box.appendChild(list);
    marker.bindPopup(box, { maxWidth: 300, minWidth: 220 }).openPopup();
    var url = el.dataset.popup.replace("/0.json", "/" + p.id + ".json");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        list.textContent = "";
        if (!data.cases.length) { list.appendChild(node("li", "muted small", TEXT.nocase)); }
        data.cases.forEach(function (c) {
          var li = node("li");
          var a = node("a", "", TEXT.case + " #" + c.id);
          a.href = c.url;
          var badge = node("span", "badge", document.documentElement.lang.indexOf("zh") === 0 ? c.zh : c.en);
          badge.style.background = c.colour;
          li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(badge);
          if (c.due_on) { li.appendChild(node("div", "small muted", c.due_on)); }
          list.appendChild(li);
        });
        var link = node("a", "button popup-link", TEXT.open);
        link.href = data.url;
        box.appendChild(link);
        marker.getPopup().update();
      })
      .catch(function () { list.textContent = TEXT.failed; });
  }

  var timer = null;
  map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 120); });
  // City staff: the township choices follow the branch chosen (each option names its branch);
  // a township of another branch is dropped rather than sent with a branch it is not in.
  function narrowTownships() {
    var branch = form.elements.branch, township = form.elements.township;
    if (!branch || !township) { return; }
    Array.prototype.forEach.call(township.options, function (opt) {
      var other = !!opt.value && !!branch.value && opt.dataset.branch !== branch.value;
      opt.hidden = other; opt.disabled = other;
    });
    if (township.selectedOptions.length && township.selectedOptions[0].disabled) { township.value = ""; }
  }
  narrowTownships();
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "branch") { narrowTownships(); }
    lastUrl = ""; load();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); lastUrl = ""; load(); });
  load();
}());
