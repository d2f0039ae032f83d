/* Service worker for the inspector's pages (scope /m/). The app shell (these pages, their CSS
   and JS) and the visit pages of the worklist's sites are cached, so a reload without signal
   still opens the form; what is recorded then waits in the IndexedDB outbox. Pages are
   network-first (fresh data when there is signal), static files cache-first. */
"use strict";
var CACHE = "inspector-v7";  // v7: styles moved from markup into app.css (CSP without inline styles)
var NETWORK_TIMEOUT_MS = 4000;
// Basemap tiles the inspector downloaded for his worklist area (static/js/basemap.js fills it);
// kept apart from the app shell so a new shell version does not throw the maps away.
var TILE_CACHE = "basemap-tiles-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE && k !== TILE_CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(data.urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (r.ok && !r.redirected) return cache.put(url, r);
      }).catch(function () { /* offline: keep what is cached */ });
    }));
  }));
});

function fromCache(request) {
  return caches.open(CACHE).then(function (cache) {
    var url = new URL(request.url);
    return cache.match(request).then(function (hit) {
      // A page opened with parameters (a follow-up, a queued visit) falls back to the bare page.
      return hit || cache.match(url.origin + url.pathname) || cache.match(request, { ignoreSearch: true });
    });
  });
}

function networkFirst(request) {
  return new Promise(function (resolve, reject) {
    var done = false;
    var timer = setTimeout(function () {
      fromCache(request).then(function (hit) { if (hit && !done) { done = true; resolve(hit); } });
    }, NETWORK_TIMEOUT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      if (!done) { done = true; resolve(response); }
    }).catch(function (err) {
      clearTimeout(timer);
      fromCache(request).then(function (hit) {
        if (done) return;
        done = true;
        if (hit) resolve(hit); else reject(err);
      });
    });
  });
}

function cacheFirst(request) {
  return fromCache(request).then(function (hit) {
    var fresh = fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
      return response;
    });
    return hit || fresh;
  });
}

// A downloaded tile from the tile cache; else the network; offline and not downloaded: 504, so
// the map shows "not downloaded" (never a broken image: basemap.js sets errorTileUrl).
function tileFirst(request) {
  return caches.open(TILE_CACHE).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      return hit || fetch(request).catch(function () { return new Response(null, { status: 504 }); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(cacheFirst(request)); return; }
  if (url.pathname.indexOf("/tiles/") === 0) { event.respondWith(tileFirst(request)); return; }
  if (url.pathname === "/maps/townships.json") { event.respondWith(networkFirst(request)); return; }
  if (url.pathname.indexOf("/m/") === 0 && url.pathname !== "/m/sw.js") { event.respondWith(networkFirst(request)); }
});
