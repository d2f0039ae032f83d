/* Record a visit: GPS fix with accuracy and distance from the pin, the geofence warning, photos
   (downscaled, thumbnails, removable) and, without a network, the visit queued in the outbox. */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var d = form.dataset;
  var f = form.elements;
  var gps = document.getElementById("gps");
  var gpsText = document.getElementById("gps-text");
  var warn = document.getElementById("geofence-warning");
  var warnText = document.getElementById("geofence-text");
  var grid = document.getElementById("photo-grid");
  var input = document.getElementById("photo-input");
  if (!f.client_uuid.value) f.client_uuid.value = Outbox.uuid();
  var visitUuid = f.client_uuid.value;
  var far = false;
  // This page may come from the phone's cache: never reuse a UUID already queued or sent.
  Outbox.fresh(visitUuid).then(function (u) {
    if (u !== visitUuid) { visitUuid = u; f.client_uuid.value = u; showPhotos(); }
  });

  // A site pinned offline: known by the UUID the phone gave it until the bureau creates it.
  var params = new URLSearchParams(location.search);
  var siteUuid = d.pendingSite ? params.get("enterprise_uuid") || "" : "";
  if (siteUuid) {
    d.enterpriseName = params.get("name") || d.enterpriseName;
    d.lat = params.get("lat") || ""; d.lon = params.get("lon") || "";
    document.getElementById("visit-enterprise").textContent = d.enterpriseName;
    document.getElementById("visit-address").textContent = params.get("address") || "";
  }

  function metres(lat1, lon1, lat2, lon2) {
    var R = 6371008.8, rad = Math.PI / 180;
    var a = Math.pow(Math.sin((lat2 - lat1) * rad / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin((lon2 - lon1) * rad / 2), 2);
    return 2 * R * Math.asin(Math.sqrt(a));
  }
  function fix(pos) {
    var c = pos.coords;
    f.lat.value = c.latitude.toFixed(7); f.lon.value = c.longitude.toFixed(7);
    f.accuracy_m.value = Math.round(c.accuracy);
    if (d.lat === "" || d.lon === "") {  // no pin to measure from: this fix may become it
      if (gps.dataset.unpinned) gpsText.textContent = gps.dataset.unpinned.replace("{acc}", Math.round(c.accuracy));
      return;
    }
    var dist = Math.round(metres(c.latitude, c.longitude, Number(d.lat), Number(d.lon)));
    far = dist > Number(d.radius);
    gpsText.textContent = gps.dataset.fix.replace("{acc}", Math.round(c.accuracy)).replace("{dist}", dist);
    gps.classList.toggle("ok", !far); gps.classList.toggle("far", far);
    if (far) {
      warn.hidden = false;
      warnText.textContent = gps.dataset.far.replace("{dist}", dist).replace("{radius}", d.radius);
    } else if (!f.geofence_reason.value) {
      warn.hidden = true;
    }
  }
  if (navigator.geolocation) {
    navigator.geolocation.watchPosition(fix, function () { gpsText.textContent = gps.dataset.denied; },
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  } else {
    gpsText.textContent = gps.dataset.denied;
  }

  /* photos */
  var showPhotos = Outbox.photoPicker(grid, input, function () { return visitUuid; }, d.enterpriseName);

  function checked(name) {
    return Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
  }
  function mark(el, ok) {
    var box = el && el.closest(".field, fieldset");
    if (box) box.classList.toggle("has-error", !ok);
    return ok;
  }

  form.addEventListener("submit", function (ev) {
    f.visited_at.value = new Date().toISOString();
    if (navigator.onLine && !d.pendingSite) {
      // Online: the page posts the form; its photos are handed to the outbox first (the post
      // must not leave before they are), and follow as soon as the bureau knows the visit.
      if (form.dataset.released) return;
      ev.preventDefault();
      Outbox.release(visitUuid).then(function () {
        form.dataset.released = "1";
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }, function () { form.submit(); });
      return;
    }
    ev.preventDefault();
    var inspectors = checked("inspectors");
    var answer = checked("answer")[0];
    var ok = mark(form.querySelector(".chips"), inspectors.length >= 1);
    ok = mark(f.geofence_reason, !far || f.geofence_reason.value.trim() !== "") && ok;
    if (d.resultKey || form.querySelector(".question")) ok = mark(form.querySelector(".question .seg"), !!answer) && ok;
    if (!ok) { form.querySelector(".has-error").scrollIntoView({ block: "center" }); return; }
    var result = {};
    var key = form.querySelector(".question") ? (d.resultKey || "") : "";
    if (key && answer) result[key] = answer === "yes";
    var payload = {
      client_uuid: visitUuid, enterprise_id: Number(d.enterpriseId), visited_at: f.visited_at.value,
      lat: f.lat.value ? Number(f.lat.value) : null, lon: f.lon.value ? Number(f.lon.value) : null,
      accuracy_m: f.accuracy_m.value ? Number(f.accuracy_m.value) : null,
      purpose: checked("purpose")[0], unannounced: f.unannounced.checked, inspectors: inspectors.concat([d.me]),
      findings: f.findings.value, followup_id: f.followup_id.value ? Number(f.followup_id.value) : null,
      approval_ref: f.approval_ref.value, geofence_reason: f.geofence_reason.value, result: result
    };
    if (d.pendingSite && !siteUuid) return;  // opened without a pinned site: nothing to link to
    Outbox.put({ id: visitUuid, kind: "visit", status: "waiting", payload: payload, label: d.enterpriseName,
                 enterprise_uuid: siteUuid || null })
      .then(function () { return Outbox.release(visitUuid); })
      .then(function () {
        if (navigator.onLine) Outbox.sync();
        var q = new URLSearchParams({ visit_uuid: visitUuid, enterprise_id: d.enterpriseId, name: d.enterpriseName,
                                      findings: f.findings.value });
        if (siteUuid) q.set("enterprise_uuid", siteUuid);
        if (d.mayServe === "0") q.set("may_serve", "0");  // known from the visit page: said on the order form
        location.href = d.serve + "?" + q.toString();
      });
  });
})();
