/* Small desk maps with one pin: the enterprise page shows where the enterprise is (and where its
   visits were recorded); the complaints form lets the reviewer pin where the complaint is about,
   by clicking the map or dragging the pin, kept in step with the latitude/longitude inputs.
   Stored and typed positions are WGS84; on GCJ-02 tiles they are shifted only where drawn. */
(function () {
  "use strict";
  if (!window.L || !window.Gcj02) { return; }

  function num(v) { var n = parseFloat(v); return isFinite(n) ? n : null; }

  function setup(el) {
    var d = el.dataset;
    var shift = window.Gcj02.forMap(d.gcj02 === "1");
    var maxZoom = parseInt(d.maxZoom, 10) || 18;
    var center = (d.center || "0,0").split(",").map(Number);
    var map = L.map(el, { minZoom: parseInt(d.minZoom, 10) || 0, maxZoom: maxZoom, scrollWheelZoom: false,
                          attributionControl: !!d.tiles });
    if (d.tiles) {
      L.tileLayer(d.tiles, { attribution: d.attribution, subdomains: d.subdomains || "abc", maxZoom: maxZoom,
                             maxNativeZoom: parseInt(d.maxNativeZoom, 10) || undefined }).addTo(map);
    } else {
      el.classList.add("plain");
    }
    var zoom = parseInt(d.zoom, 10) || 15;
    var pin = null;
    var latInput = d.latInput ? document.getElementById(d.latInput) : null;
    var lonInput = d.lonInput ? document.getElementById(d.lonInput) : null;
    var editable = !!(latInput && lonInput);

    function place(lat, lon, pan) {
      var at = shift.show(lat, lon);
      if (!pin) {
        pin = L.marker(at, { draggable: editable, keyboard: editable, title: d.pinTitle || "" }).addTo(map);
        if (editable) {
          pin.on("dragend", function () { var p = pin.getLatLng(), w = shift.store(p.lat, p.lng); write(w[0], w[1]); });
        }
      } else {
        pin.setLatLng(at);
      }
      if (pan) { map.setView(at, Math.max(map.getZoom() || 0, zoom)); }
      el.dataset.pinned = lat.toFixed(6) + "," + lon.toFixed(6);
    }

    function write(lat, lon) {
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      el.dataset.pinned = latInput.value + "," + lonInput.value;
    }

    function clear() {
      if (pin) { pin.remove(); pin = null; }
      delete el.dataset.pinned;
    }

    var lat = num(d.lat), lon = num(d.lon);
    if (editable && num(latInput.value) !== null && num(lonInput.value) !== null) {
      lat = num(latInput.value); lon = num(lonInput.value);
    }
    if (lat !== null && lon !== null) {
      map.setView(shift.show(lat, lon), zoom);
      place(lat, lon, false);
    } else {
      map.setView(shift.show(center[0], center[1]), parseInt(d.centerZoom, 10) || 11);
    }

    // Where the visits were recorded, for comparing with the pin (GPS evidence).
    if (d.points) {
      JSON.parse(d.points).forEach(function (p) {
        L.circleMarker(shift.show(p[0], p[1]), { radius: 6, weight: 2, color: "#ffffff", fillColor: "#546e7a", fillOpacity: 0.9 })
          .bindTooltip(document.createTextNode(p[2] || "")).addTo(map);  // text, never HTML
      });
    }

    if (editable) {
      map.on("click", function (e) {
        var w = shift.store(e.latlng.lat, e.latlng.lng);
        place(w[0], w[1], false);
        write(w[0], w[1]);
      });
      var typed = function () {
        var la = num(latInput.value), lo = num(lonInput.value);
        if (la === null || lo === null || Math.abs(la) > 90 || Math.abs(lo) > 180) { return; }
        place(la, lo, true);
      };
      latInput.addEventListener("change", typed);
      lonInput.addEventListener("change", typed);
      var reset = d.clear ? document.getElementById(d.clear) : null;
      if (reset) {
        reset.hidden = false;
        reset.addEventListener("click", function () { clear(); latInput.value = ""; lonInput.value = ""; });
      }
    }
    el.dataset.ready = "1";
  }

  Array.prototype.forEach.call(document.querySelectorAll(".pin-map"), setup);
}());
