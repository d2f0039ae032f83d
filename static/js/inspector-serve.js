/* Serve an action: the form asks only what the chosen action needs. Online the server shows the
   engine's dates before the inspector confirms; offline the order is queued after its visit. */
(function () {
  "use strict";
  var form = document.getElementById("serve-form");
  if (!form) return;
  var f = form.elements;
  var params = new URLSearchParams(location.search);
  var note = document.getElementById("offline-note");
  var preview = document.getElementById("preview");
  var submit = form.querySelector(".actionbar button");

  // Opened from a visit that is still on this phone (offline): fill in what the page was not told.
  var localVisit = params.get("visit_uuid");
  if (localVisit && !f.visit_id.value) {
    f.visit_uuid.value = localVisit;
    f.enterprise_id.value = params.get("enterprise_id") || "";
    var head = document.getElementById("serve-enterprise");
    if (params.get("name")) head.textContent = params.get("name");
    var pending = document.getElementById("serve-pending");
    if (pending) pending.hidden = false;
    if (!f.violation.value) f.violation.value = params.get("findings") || "";
    var now = new Date();
    f.served_on.value = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  // Offline, the visit page said this officer may not serve here: say so now, not at the end.
  if (params.get("may_serve") === "0") {
    var chip = document.getElementById("rights-offline");
    chip.textContent = form.dataset.notHere; chip.hidden = false; chip.classList.add("rights-no");
    form.hidden = true;
    return;
  }

  function action() {
    var on = form.querySelector('input[name="action"]:checked');
    return on ? on.value : "";
  }
  function showFields() {
    var a = action();
    form.querySelectorAll(".per-action").forEach(function (box) {
      box.hidden = box.dataset.for.split(" ").indexOf(a) < 0;
    });
  }
  var siteUuid = params.get("enterprise_uuid") || "";  // a site pinned offline, not created yet
  function queued() { return !navigator.onLine || (!!f.visit_uuid.value && !f.visit_id.value); }
  function showMode() {
    var q = queued();
    note.hidden = !q;
    note.textContent = form.dataset.offlineNote;
    if (q && submit) {
      submit.textContent = (document.getElementById("preview-serve") || submit).dataset.offlineLabel || submit.textContent;
    }
  }
  form.addEventListener("change", function (ev) {
    showFields();
    // Anything changed after the preview: the dates shown no longer apply.
    if (preview && ev.target.name !== "confirm") {
      preview.hidden = true;
      f.confirm.value = "";
    }
  });
  showFields();
  showMode();
  // After 查看期限 the page comes back with the dates: show them, not the top of the form.
  if (preview && !preview.hidden) preview.scrollIntoView({ block: "start" });
  window.addEventListener("offline", showMode);

  function checkedBox(name) { return !!(f[name] && f[name].checked); }
  form.addEventListener("submit", function (ev) {
    if (!queued()) return;
    ev.preventDefault();
    var a = action();
    if (!f.violation.value.trim()) { f.violation.closest(".field").classList.add("has-error"); f.violation.focus(); return; }
    // What the law needs, asked here too when the order is queued without signal.
    var missing = [];
    if (a !== "control" && !f.legal_basis.value.trim()) missing.push([f.legal_basis, form.dataset.needBasis]);
    if (a === "fine" && !(Number(f.amount_yuan.value) > 0)) missing.push([f.amount_yuan, form.dataset.needAmount]);
    if (missing.length) {
      missing.forEach(function (m) {
        var box = m[0].closest(".field"); box.classList.add("has-error");
        if (!box.querySelector(".field-error.js")) {
          var p = document.createElement("p"); p.className = "field-error js"; p.setAttribute("role", "alert");
          p.textContent = m[1]; box.appendChild(p);
        }
      });
      missing[0][0].focus();
      return;
    }
    var payload = { client_uuid: f.client_uuid.value || Outbox.uuid(), enterprise_id: Number(f.enterprise_id.value), action: a,
                    served_on: f.served_on.value, violation: f.violation.value, legal_basis: f.legal_basis.value };
    if (a === "rectify") { payload.rectify_days = Number(f.rectify_days.value); payload.illegal_discharge = checkedBox("illegal_discharge"); }
    if (a === "fine") {
      if (f.amount_yuan.value) payload.amount_fen = Math.round(Number(f.amount_yuan.value) * 100);
      if (f.max_amount_yuan.value) payload.max_amount_fen = Math.round(Number(f.max_amount_yuan.value) * 100);
      payload.maximum_penalty = checkedBox("maximum_penalty");
      payload.daily_penalty = checkedBox("daily_penalty");
      payload.illegal_discharge = checkedBox("illegal_discharge");
    }
    if (a === "close" || a === "stop") payload.illegal_discharge = checkedBox("illegal_discharge");
    // Issue #15: what the law needs of a stop, a seal-up and a closure after resumed production.
    if ((a === "stop" || a === "seal") && f.approved_by.value) payload.approved_by = f.approved_by.value.trim();
    if (a === "stop") { var m = form.querySelector('input[name="measure"]:checked'); if (m) payload.measure = m.value; }
    if (a === "seal") {
      payload.kind = f.seal_kind.value;
      payload.items = f.items.value.split("\n").map(function (x) { return x.trim(); }).filter(Boolean);
    }
    if (a === "close" && checkedBox("resumed_production")) {
      payload.resumed_production = true;
      payload.government_approved_by = f.government_approved_by.value.trim();
      if (f.government_approved_on.value) payload.government_approved_on = f.government_approved_on.value;
    }
    if (f.visit_id.value) payload.visit_id = Number(f.visit_id.value);
    var label = document.getElementById("serve-enterprise").textContent + " · " +
      form.querySelector('input[name="action"]:checked').closest("label").textContent.trim();
    Outbox.put({ id: payload.client_uuid, kind: "case", status: "waiting", payload: payload,
                 visit_uuid: f.visit_uuid.value || null, enterprise_uuid: siteUuid || null, label: label })
      .then(function () { location.href = document.getElementById("offline-bar").dataset.outbox; });
  });
})();
