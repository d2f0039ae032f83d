/* Worklist: nearest first from where the inspector stands (due date order without a fix), and
   the visit pages of the listed sites cached for a day without signal. */
(function () {
  "use strict";
  var lists = document.querySelectorAll(".tasks .sortable");
  var note = document.getElementById("sort-note");
  function metres(lat1, lon1, lat2, lon2) {
    var R = 6371008.8, rad = Math.PI / 180;
    var a = Math.pow(Math.sin((lat2 - lat1) * rad / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin((lon2 - lon1) * rad / 2), 2);
    return 2 * R * Math.asin(Math.sqrt(a));
  }
  function human(m) { return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(m < 10000 ? 1 : 0) + " km"; }
  function sort(pos) {
    var here = pos.coords;
    lists.forEach(function (ul) {
      var items = Array.prototype.slice.call(ul.children);
      items.forEach(function (li) {
        var lat = parseFloat(li.dataset.lat), lon = parseFloat(li.dataset.lon);
        li._d = isNaN(lat) ? Infinity : metres(here.latitude, here.longitude, lat, lon);
        var tag = li.querySelector(".dist");
        if (tag && isFinite(li._d)) { tag.textContent = human(li._d); tag.hidden = false; }
      });
      items.sort(function (a, b) { return (a._d - b._d) || (a.dataset.due < b.dataset.due ? -1 : 1); });
      items.forEach(function (li) { ul.appendChild(li); });
    });
    note.textContent = note.dataset.near;
  }
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(sort, function () { /* keep due-date order */ },
      { enableHighAccuracy: true, maximumAge: 60000, timeout: 15000 });
  }
  var urls = Array.prototype.map.call(document.querySelectorAll(".tasks a.start"), function (a) {
    return a.getAttribute("href");
  });
  if (window.Outbox) Outbox.cacheUrls(urls.concat(urls.map(function (u) { return u.split("?")[0]; })));
})();
