/* The basemap under every live map (desk map, phone find page): the layers the server lists in
   data-layers (its own MBTiles/PMTiles files at /tiles/..., the 天地图 or Gaode preset), a layer
   switch when there are several, township boundaries with their names at closer zoom levels,
   and on the phone the offline download of the worklist area.

   Tiles the app serves are cached by the service worker in their own cache ("basemap-tiles-v1");
   offline, a tile that was not downloaded fails and the map says the area is not downloaded
   instead of showing broken images. All text is set with textContent (never HTML with data). */
(function () {
  "use strict";
  var TILE_CACHE = "basemap-tiles-v1";
  var BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

  function text(el) {
    try { return JSON.parse(el.dataset.basemapText || "{}"); } catch (e) { return {}; }
  }

  function notice(map, message) {
    var box = L.DomUtil.create("div", "basemap-notice");
    box.setAttribute("role", "status");
    box.hidden = true;
    map.getContainer().appendChild(box);
    return {
      show: function (msg) { box.textContent = msg || message; box.hidden = false; },
      hide: function () { box.hidden = true; }
    };
  }

  function tileLayer(spec, shift) {
    var opts = {
      attribution: spec.attribution, minZoom: spec.minZoom || 0, maxZoom: spec.maxZoom,
      maxNativeZoom: spec.maxNativeZoom, subdomains: spec.subdomains || "abc",
      errorTileUrl: BLANK, crossOrigin: false
    };
    if (spec.bounds && spec.local) {
      // Tiles outside the file are never asked for (no 204 storm, no false "not downloaded").
      var sw = shift(spec.bounds[1], spec.bounds[0]), ne = shift(spec.bounds[3], spec.bounds[2]);
      opts.bounds = L.latLngBounds(sw, ne);
    }
    var base = L.tileLayer(spec.url, opts);
    if (!spec.overlay) { return base; }
    var labels = L.tileLayer(spec.overlay, { maxZoom: spec.maxZoom, maxNativeZoom: spec.maxNativeZoom,
                                             subdomains: spec.subdomains, errorTileUrl: BLANK });
    return L.layerGroup([base, labels]);
  }

  /* Township boundaries and their names. Names are DOM nodes (textContent) in permanent
     tooltips, shown from zoom 11 (below it they overlap and the counts speak instead). */
  function townships(map, url, shift, T, ready) {
    var group = L.layerGroup();
    var names = L.layerGroup();
    var NAME_ZOOM = 11;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        data.features.forEach(function (f) {
          var layer = L.geoJSON(f, {
            coordsToLatLng: function (c) { var p = shift(c[1], c[0]); return L.latLng(p[0], p[1]); },
            style: { color: "#6a4c93", weight: 2, opacity: 0.8, fill: true, fillOpacity: 0.03,
                     dashArray: "6 4", interactive: false }
          });
          group.addLayer(layer);
          var p = f.properties, at = shift(p.label[1], p.label[0]);
          var label = document.createElement("span");
          label.textContent = p.name;
          names.addLayer(L.marker(at, { icon: L.divIcon({ className: "township-name", html: "", iconSize: [0, 0] }),
                                        interactive: false, keyboard: false })
            .bindTooltip(label, { permanent: true, direction: "center", className: "township-label" }));
        });
        map.getContainer().dataset.townships = String(data.features.length);
        if (data.features.length) { group.addTo(map); ready(group); }
        toggleNames();
      })
      .catch(function () { /* no boundaries: the map works without them */ });
    function toggleNames() {
      if (!map.hasLayer(group)) { names.remove(); return; }
      if (map.getZoom() >= NAME_ZOOM) { names.addTo(map); } else { names.remove(); }
    }
    map.on("zoomend overlayadd overlayremove", toggleNames);
    return group;
  }

  function add(map, el, shift) {
    shift = shift || function (lat, lon) { return [lat, lon]; };
    var T = text(el);
    var specs = [];
    try { specs = JSON.parse(el.dataset.layers || "[]"); } catch (e) { specs = []; }
    var bases = {}, first = null, missing = notice(map, T.missing);
    var misses = 0;
    specs.forEach(function (spec) {
      var layer = tileLayer(spec, shift);
      var tiles = layer.getLayers ? layer.getLayers()[0] : layer;
      // Each batch of tiles (a pan, a zoom): offline and any tile missing -> say so.
      tiles.on("loading", function () { misses = 0; });
      tiles.on("tileerror", function () { if (!navigator.onLine) { misses += 1; } });
      tiles.on("load", function () { if (misses) { missing.show(T.missing); } else { missing.hide(); } });
      bases[spec.label] = layer;
      if (!first) { first = { layer: layer, spec: spec }; }
    });
    if (first) {
      if (!map.attributionControl) { map.attributionControl = L.control.attribution().addTo(map); }
      first.layer.addTo(map);
      map.setMaxZoom(first.spec.maxZoom);
      map.on("baselayerchange", function (e) {
        specs.forEach(function (s) { if (bases[s.label] === e.layer) { map.setMaxZoom(s.maxZoom); } });
      });
      el.classList.remove("plain");
      el.dataset.basemap = first.spec.name;
    }
    // A wheel notch moves half a zoom level, and never past the tiles (see maxZoom above); with
    // no basemap at all, not into a street-corner view of an empty background either.
    map.options.wheelPxPerZoomLevel = 120;
    if (!first && map.getMaxZoom() > 17) { map.setMaxZoom(17); }
    // The layer switch: base layers when there are several, boundaries once there are some.
    var control = null;
    function switcher() {
      if (!control) { control = L.control.layers(specs.length > 1 ? bases : {}, {}, { collapsed: true }).addTo(map); }
      return control;
    }
    if (specs.length > 1) { switcher(); }
    if (el.dataset.townshipsUrl) {
      townships(map, el.dataset.townshipsUrl, shift, T, function (group) {
        switcher().addOverlay(group, T.boundaries || "Townships");
      });
    }
    window.addEventListener("online", function () { misses = 0; missing.hide(); });
    window.Basemap.maps.push(map);
    return { layers: specs, first: first && first.spec };
  }

  /* The phone's offline download: ask the server what covers the worklist area, show its size
     against the budget, then fetch each tile into the tile cache (the service worker answers
     from it offline). */
  function offline(box) {
    var T = text(box);
    var status = box.querySelector(".basemap-download-status");
    var button = box.querySelector("button");
    var plan = null;
    function say(msg) { status.textContent = msg; }
    function mb(bytes) { return (bytes / 1048576).toFixed(1); }
    if (!window.caches || !window.fetch) { say(T.unsupported || ""); button.disabled = true; return; }
    fetch(box.dataset.plan, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (p) {
        plan = p;
        if (!p.layer || !p.tiles.length) { say(T.none); button.disabled = true; return; }
        return caches.open(TILE_CACHE).then(function (cache) {
          return Promise.all(p.tiles.map(function (u) { return cache.match(u); }));
        }).then(function (hits) {
          var have = hits.filter(Boolean).length;
          var msg = T.size.replace("{n}", p.tiles.length).replace("{mb}", mb(p.bytes))
                          .replace("{budget}", mb(p.budget));
          if (p.dropped_zooms.length) { msg += " " + T.dropped.replace("{z}", p.dropped_zooms.join(", ")); }
          if (have === p.tiles.length) { msg += " " + T.done; box.dataset.state = "done"; }
          say(msg);
          button.disabled = false;
        });
      })
      .catch(function () { say(T.failed); button.disabled = true; });
    button.addEventListener("click", function () {
      if (!plan) { return; }
      button.disabled = true;
      var done = 0, failed = 0, i = 0, total = plan.tiles.length;
      box.dataset.state = "loading";
      caches.open(TILE_CACHE).then(function (cache) {
        function next() {
          if (i >= total) { return Promise.resolve(); }
          var url = plan.tiles[i++];
          return cache.match(url).then(function (hit) {
            if (hit) { return; }
            return fetch(url, { credentials: "same-origin" }).then(function (r) {
              if (r.status === 200) { return cache.put(url, r); }
            });
          }).then(function () { done += 1; }, function () { failed += 1; })
            .then(function () {
              if ((done + failed) % 10 === 0 || done + failed === total) {
                say(T.progress.replace("{done}", done).replace("{n}", total));
              }
              return next();
            });
        }
        return Promise.all([next(), next(), next(), next()]);
      }).then(function () {
        box.dataset.state = failed ? "partial" : "done";
        say(failed ? T.partial.replace("{n}", failed) : T.finished.replace("{n}", done).replace("{mb}", mb(plan.bytes)));
        button.disabled = false;
      });
    });
  }

  // maps: every live map on the page (for the browser tests and the console).
  window.Basemap = { add: add, offline: offline, TILE_CACHE: TILE_CACHE, maps: [] };
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-basemap-download]").forEach(offline);
  });
}());
