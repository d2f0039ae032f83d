/* The desk's address search runs in the background: this page polls its progress (read from the
   database) every few seconds while it runs, and stops when every address was looked up. */
(function () {
  "use strict";
  var box = document.getElementById("geocode");
  if (!box || !window.fetch) { return; }
  var status = document.getElementById("geocode-status");
  var bar = box.querySelector("progress");
  if (!status || !bar) { return; }  // no geocoder configured
  function poll() {
    fetch(box.dataset.progress, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (p) {
        status.textContent = box.dataset.text.replace("{done}", p.looked_up).replace("{total}", p.addresses)
          .replace("{found}", p.found);
        bar.max = p.addresses || 1; bar.value = p.looked_up;
        if (p.running) { setTimeout(poll, 3000); }
      }).catch(function () {});
  }
  poll();
})();
