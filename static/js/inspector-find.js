/* Search: the officer's position goes with the query, so results come nearest first with
   their distance (the server pages them). */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.elements.lat.value = pos.coords.latitude.toFixed(6);
    form.elements.lon.value = pos.coords.longitude.toFixed(6);
  }, function () { /* no fix: results by name */ }, { enableHighAccuracy: false, maximumAge: 60000, timeout: 15000 });
})();
