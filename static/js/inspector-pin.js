/* Pin a new site without signal: the site goes to the outbox (sent before anything else) and the
   visit form opens for it at once, knowing the site only by the UUID the phone gave it. Online
   the page posts the form and the server checks the credit code on the spot. */
(function () {
  "use strict";
  var form = document.getElementById("pin-form");
  if (!form || !window.Outbox) return;
  var f = form.elements;
  var note = document.getElementById("pin-offline");
  function showMode() { note.hidden = navigator.onLine; }
  window.addEventListener("online", showMode);
  window.addEventListener("offline", showMode);
  showMode();

  function mark(el, ok) {
    var box = el.closest(".field");
    if (box) box.classList.toggle("has-error", !ok);
    return ok;
  }
  form.addEventListener("submit", function (ev) {
    if (navigator.onLine) return;
    ev.preventDefault();
    var name = f.name.value.trim();
    var ok = mark(f.name, name !== "");
    ok = mark(f.industry, f.industry.value !== "") && ok;  // no default industry is saved unread
    ok = mark(f.credit_code, /^$|^[0-9A-HJ-NP-RT-UW-Y]{18}$/i.test(f.credit_code.value.trim())) && ok;
    if (!f.lat.value || !f.lon.value) { document.getElementById("pin-where").classList.add("field-error"); ok = false; }
    if (!ok) { (form.querySelector(".has-error") || form).scrollIntoView({ block: "center" }); return; }
    var id = Outbox.uuid();
    var payload = { name: name, address: f.address.value.trim(), industry: f.industry.value,
                    credit_code: f.credit_code.value.trim().toUpperCase() || null,
                    lat: Number(f.lat.value), lon: Number(f.lon.value) };
    if (form.dataset.township) payload.township = form.dataset.township;
    Outbox.put({ id: id, kind: "enterprise", status: "waiting", payload: payload, label: name })
      .then(function () {
        var q = new URLSearchParams({ enterprise_uuid: id, name: name, lat: f.lat.value, lon: f.lon.value,
                                      address: payload.address });
        location.href = form.dataset.visit + "?" + q.toString();
      });
  });
})();
