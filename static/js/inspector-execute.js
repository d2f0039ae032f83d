/* The close order carried out: "two cuts, three clears" (两断三清). Online the page posts the
   form; without signal the event goes to the outbox with its client UUID and the time it was
   recorded, because the bureau applies offline events in the order they happened on site. Photos
   belong to the visit made to carry out the closure and follow that visit. */
(function () {
  "use strict";
  var form = document.getElementById("execute-form");
  if (!form || !window.Outbox) return;
  var d = form.dataset;
  var f = form.elements;
  var params = new URLSearchParams(location.search);
  var CHECKLIST = ["water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared"];
  var note = document.getElementById("offline-note");
  var submit = document.getElementById("execute-save");
  var onlineLabel = submit.textContent;
  var grid = document.getElementById("photo-grid");
  var input = document.getElementById("photo-input");
  var error = document.getElementById("checklist-error");

  // Opened after a visit still waiting on this phone: its photos and the event follow it.
  var visitUuid = d.visitUuid || params.get("visit_uuid") || "";
  if (visitUuid && !d.visitUuid) {
    document.querySelector("#execute-photos .with-visit").hidden = false;
    document.querySelector("#execute-photos .without-visit").hidden = true;
  }
  // This page may come from the phone's cache: never reuse a UUID already queued or sent.
  Outbox.fresh(f.client_uuid.value).then(function (u) { f.client_uuid.value = u; });

  function showMode() {
    note.hidden = navigator.onLine;
    submit.textContent = navigator.onLine ? onlineLabel : submit.dataset.offlineLabel;
  }
  window.addEventListener("online", showMode);
  window.addEventListener("offline", showMode);
  showMode();

  // Only photos still being taken here show: those of a visit already sent went with it.
  var showPhotos = Outbox.photoPicker(grid, input, function () { return visitUuid; }, d.label,
                                      function (p) { return p.status === "draft"; });

  form.addEventListener("change", function (ev) {
    // Ticking an item clears its mark, and the message once nothing is missing.
    if (CHECKLIST.indexOf(ev.target.name) < 0) return;
    if (ev.target.checked) ev.target.closest("label").classList.remove("has-error");
    if (CHECKLIST.every(function (k) { return f[k].checked; })) { error.hidden = true; error.textContent = ""; }
  });

  form.addEventListener("submit", function (ev) {
    var checklist = {}, done = true;
    CHECKLIST.forEach(function (k) {
      checklist[k] = !!f[k].checked;
      f[k].closest("label").classList.toggle("has-error", !f[k].checked);
      done = done && f[k].checked;
    });
    if (navigator.onLine) {
      // Online the server checks the list; the photos go once the page knows the visit's id.
      if (visitUuid) Outbox.release(visitUuid);
      return;
    }
    ev.preventDefault();
    error.hidden = done;
    error.textContent = done ? "" : d.incomplete;
    if (!done || !f.on.value) {
      if (!f.on.value) f.on.closest(".field").classList.add("has-error");
      form.querySelector(".has-error").scrollIntoView({ block: "center" });
      return;
    }
    var payload = { type: "execute", on: f.on.value, checklist: checklist, client_uuid: f.client_uuid.value,
                    recorded_at: new Date().toISOString() };
    if (f.visit_id.value) payload.visit_id = Number(f.visit_id.value);
    // ACL Art. 43: the start time and, at night or on a holiday, why it could not wait.
    if (f.started_at && f.started_at.value) payload.started_at = f.started_at.value;
    if (f.urgency && f.urgency.value.trim()) payload.urgency = f.urgency.value.trim();
    Outbox.put({ id: payload.client_uuid, kind: "event", status: "waiting", case_id: Number(d.caseId),
                 visit_uuid: visitUuid || null, payload: payload, label: d.label })
      .then(function () { return visitUuid ? Outbox.release(visitUuid) : null; })
      .then(function () { location.href = document.getElementById("offline-bar").dataset.outbox; });
  });
})();
