/* WGS84 <-> GCJ-02 for display, the public algorithm of enforcement/geo/gcj02.py. Chinese tile
   providers (Gaode, Tencent) draw in GCJ-02 while phones and our database use WGS84, so a stored
   point is shifted only where it is drawn, and a position picked on such a map is shifted back
   before it is stored. Shared by the inspector's and the desk's maps: window.Gcj02. */
(function () {
  "use strict";
  var A = 6378245.0, EE = 0.00669342162296594323;

  function outOfChina(lat, lon) {
    return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
  }
  function transform(x, y) {
    var xy = x * y, ax = Math.sqrt(Math.abs(x)), xp = x * Math.PI, yp = y * Math.PI;
    var d = 20 * Math.sin(6 * xp) + 20 * Math.sin(2 * xp);
    var lat = d + 20 * Math.sin(yp) + 40 * Math.sin(yp / 3) + 160 * Math.sin(yp / 12) + 320 * Math.sin(yp / 30);
    var lon = d + 20 * Math.sin(xp) + 40 * Math.sin(xp / 3) + 150 * Math.sin(xp / 12) + 300 * Math.sin(xp / 30);
    lat = lat * 2 / 3 - 100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * xy + 0.2 * ax;
    lon = lon * 2 / 3 + 300 + x + 2 * y + 0.1 * x * x + 0.1 * xy + 0.1 * ax;
    return [lat, lon];
  }
  function delta(lat, lon) {
    var t = transform(lon - 105, lat - 35), rl = lat * Math.PI / 180, m = Math.sin(rl);
    m = 1 - EE * m * m;
    var sm = Math.sqrt(m);
    return [(t[0] * 180) / ((A * (1 - EE)) / (m * sm) * Math.PI), (t[1] * 180) / (A / sm * Math.cos(rl) * Math.PI)];
  }
  function wgsToGcj(lat, lon) {
    if (outOfChina(lat, lon)) { return [lat, lon]; }
    var dl = delta(lat, lon);
    return [lat + dl[0], lon + dl[1]];
  }
  // No closed form: fixed-point iteration, as gcj_to_wgs does (the offset varies slowly).
  function gcjToWgs(lat, lon) {
    if (outOfChina(lat, lon)) { return [lat, lon]; }
    var w = [lat, lon];
    for (var i = 0; i < 30; i++) {
      var dl = delta(w[0], w[1]), eLat = w[0] + dl[0] - lat, eLon = w[1] + dl[1] - lon;
      w = [w[0] - eLat, w[1] - eLon];
      if (Math.abs(eLat) < 1e-10 && Math.abs(eLon) < 1e-10) { break; }
    }
    return w;
  }
  // A pair for one map: identity unless its tiles are GCJ-02.
  function forMap(on) {
    return {
      show: function (lat, lon) { return on ? wgsToGcj(lat, lon) : [lat, lon]; },
      store: function (lat, lon) { return on ? gcjToWgs(lat, lon) : [lat, lon]; }
    };
  }

  var api = { outOfChina: outOfChina, wgsToGcj: wgsToGcj, gcjToWgs: gcjToWgs, forMap: forMap };
  if (typeof window !== "undefined") { window.Gcj02 = api; }
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
}());
