/* Find: "near me" on a Leaflet map within a chosen radius, and pinning a new site where the
   inspector stands (or where the marker is dragged). Coordinates are stored in WGS84; when the
   tiles are GCJ-02 (Gaode, Tencent) markers are shifted for display only. With no tile URL the
   map shows the points on a plain background. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L || !window.Gcj02) return;
  var d = box.dataset;
  var gcj = d.gcj02 === "1";

  // Stored WGS84 <-> drawn position, shared with the desk's maps (static/js/gcj02.js).
  var shift = window.Gcj02.forMap(gcj), show = shift.show, store = shift.store;

  var center = d.center.split(",").map(Number);
  var map = L.map(box, { zoomControl: true, attributionControl: !!d.tiles }).setView(show(center[0], center[1]), Number(d.zoom) || 12);
  if (window.Basemap) {  // own tiles (kept offline), presets, township boundaries
    if (!window.Basemap.add(map, box, show).first) box.classList.add("plain");
  } else if (d.tiles) L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 19 }).addTo(map);
  else box.classList.add("plain");

  var radius = 1000, here = null, you = null, ring = null, layer = L.layerGroup().addTo(map);
  var status = document.getElementById("gps-status");
  var list = document.getElementById("near-list");
  var pin = null, pinLat = document.getElementById("pin-lat"), pinLon = document.getElementById("pin-lon");
  var pinWhere = document.getElementById("pin-where");

  function setPin(lat, lon) {
    pinLat.value = lat.toFixed(7); pinLon.value = lon.toFixed(7);
    if (pinWhere) pinWhere.textContent = lat.toFixed(5) + ", " + lon.toFixed(5);
  }
  function placePin() {
    if (!here || pin) return;
    // A CSS pin, not Leaflet's PNG icon: that image is not in the offline cache (broken offline).
    pin = L.marker(show(here[0], here[1]), { draggable: true, autoPan: true,
                                              icon: L.divIcon({ className: "pin-icon", html: "", iconSize: [22, 22], iconAnchor: [11, 22] }) }).addTo(map);
    pin.on("dragend", function () { var p = pin.getLatLng(), w = store(p.lat, p.lng); setPin(w[0], w[1]); });
    setPin(here[0], here[1]);
  }

  // A failed fetch (the server busy, a moment without signal) is retried with back-off:
  // 0.5, 1, 2, 4 and 8 s, unless a newer load() has asked since. A refusal (4xx) is not retried.
  var generation = 0;
  function nearItems(url, mine, attempt) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.ok) return r.json();
        var refused = new Error("HTTP " + r.status); refused.final = r.status < 500; throw refused;
      })
      .catch(function (err) {
        if (err.final || mine !== generation || attempt >= 5) throw err;
        return new Promise(function (wake) { setTimeout(wake, 500 * Math.pow(2, attempt)); })
          .then(function () { return nearItems(url, mine, attempt + 1); });
      });
  }

  function load() {
    if (!here) return;
    if (ring) ring.remove();
    ring = L.circle(show(here[0], here[1]), { radius: radius, color: "#1b7f6a", weight: 1, fillOpacity: 0.05 }).addTo(map);
    map.fitBounds(ring.getBounds(), { padding: [10, 10] });
    var url = d.near + "?lat=" + here[0] + "&lon=" + here[1] + "&radius_m=" + radius;
    var mine = ++generation;
    nearItems(url, mine, 0)
      .then(function (data) {
        if (mine !== generation) return;  // a newer radius or position asked since
        layer.clearLayers(); list.textContent = "";
        if (!data.items.length) { var li = document.createElement("li"); li.className = "muted"; li.textContent = list.dataset.empty; list.appendChild(li); }
        data.items.forEach(function (e) {
          var m = L.circleMarker(show(e.lat, e.lon), { radius: 8, color: "#fff", weight: 2, fillColor: "#0f5c4d", fillOpacity: 0.9 }).addTo(layer);
          var pop = document.createElement("div");
          var b = document.createElement("strong"); b.textContent = e.name; pop.appendChild(b);
          var go = document.createElement("a"); go.href = e.visit_url; go.className = "button primary block"; go.textContent = d.start;
          pop.appendChild(go);
          m.bindPopup(pop);
          var li = document.createElement("li"); li.className = "task"; li.dataset.mine = e.mine ? "1" : "0";
          li.dataset.mayServe = e.may_serve === false ? "0" : "1";
          var main = document.createElement("div"); main.className = "task-main";
          var name = document.createElement("div"); name.className = "title-line"; name.textContent = e.name;
          var sub = document.createElement("div"); sub.className = "small muted";
          sub.textContent = list.dataset.away.replace("{m}", e.distance_m) + " · " + e.industry + (e.township_name ? " · " + e.township_name : "") + (e.address ? " · " + e.address : "");
          main.appendChild(name); main.appendChild(sub);
          if (e.may_serve === false) { var only = document.createElement("div"); only.className = "small rights-only"; only.textContent = list.dataset.visitOnly; main.appendChild(only); }
          var a = document.createElement("a"); a.className = "button primary start"; a.href = e.visit_url; a.textContent = d.start;
          li.appendChild(main); li.appendChild(a); list.appendChild(li);
        });
        if (window.Outbox) Outbox.cacheUrls(data.items.slice(0, 30).map(function (e) { return e.visit_url; }));
      })
      .catch(function () { /* offline: the list stays as it was */ });
  }

  document.querySelectorAll(".seg.radius button").forEach(function (b) {
    b.addEventListener("click", function () {
      document.querySelectorAll(".seg.radius button").forEach(function (o) { o.classList.toggle("on", o === b); });
      radius = Number(b.dataset.radius); load();
    });
  });

  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      here = [pos.coords.latitude, pos.coords.longitude];
      status.textContent = status.dataset.fix.replace("{m}", Math.round(pos.coords.accuracy));
      you = L.marker(show(here[0], here[1]), { icon: L.divIcon({ className: "", html: '<div class="you-dot"></div>', iconSize: [18, 18] }),
                                               title: d.you, keyboard: false }).addTo(map);
      placePin();
      load();
    }, function () { status.textContent = status.dataset.denied; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  } else {
    status.textContent = status.dataset.denied;
  }
})();
