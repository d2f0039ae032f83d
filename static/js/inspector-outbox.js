/* The inspector's outbox: what was recorded on this phone and has not reached the bureau yet.
   It owns every piece of evidence until the server has it. Every item carries its client UUID,
   so a replay after a dropped connection never duplicates (the API answers 200 with the same
   record). Items go out in order: sites pinned offline first, then visits, case events, and the
   orders and photos that hang on a visit. A photo is queued with its visit's client UUID and goes
   as soon as the visit is known to the bureau, from whatever page is open (the server is asked
   for the visit's id by UUID). A refusal (a 4xx other than a lost session) is shown with the
   server's reason, kept on the server for a reviewer and never retried; a network or server
   failure is retried with a growing pause (5 s, 10 s, 20 s … at most 10 minutes).
   A pinned site has no client UUID in the API, so the phone itself makes sure it is created once:
   an acknowledged site is removed from the outbox in the same transaction that records its
   server id, and a site whose earlier attempt ended without an answer is first looked up (same
   name within a few metres) before it is sent again. */
(function () {
  "use strict";
  var DB_NAME = "inspector-outbox";
  var bar = document.getElementById("offline-bar");
  var cfg = bar ? bar.dataset : {};
  var API = cfg.api || "/api/v1";
  var dbp = null;

  function db() {
    if (!dbp) {
      dbp = idb.openDB(DB_NAME, 1, {
        upgrade: function (d) {
          d.createObjectStore("items", { keyPath: "id" });
          d.createObjectStore("ids", { keyPath: "uuid" });
          d.createObjectStore("sent", { keyPath: "id" });
        }
      });
    }
    return dbp;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }

  function all() { return db().then(function (d) { return d.getAll("items"); }); }
  function put(item) {
    item.created = item.created || new Date().toISOString();
    return db().then(function (d) { return d.put("items", item); }).then(refresh);
  }
  function remove(id) { return db().then(function (d) { return d.delete("items", id); }).then(refresh); }
  function knownId(visitUuid) {
    if (!visitUuid) return Promise.resolve(null);  // IndexedDB refuses a null key
    return db().then(function (d) { return d.get("ids", visitUuid); })
      .then(function (row) { return row ? row.id : null; });
  }
  function remember(visitUuid, id) {
    return db().then(function (d) { return d.put("ids", { uuid: visitUuid, id: Number(id) }); });
  }
  /* A page served from the phone's cache carries the UUID it had when cached: a second visit or
     checklist recorded on it must not reuse the first one's. */
  function fresh(candidate) {
    if (!candidate) return Promise.resolve(uuid());
    return db().then(function (d) {
      return Promise.all([d.get("items", candidate), d.get("sent", candidate), d.get("ids", candidate)]);
    }).then(function (hits) { return hits.some(Boolean) ? uuid() : candidate; });
  }

  /* Photos: downscaled on the phone (at most 2048 px on the long side) before they are stored,
     so a weak connection carries a few hundred KB, not a 12 MP original. */
  function downscale(file, max) {
    return createImageBitmap(file).then(function (bmp) {
      var scale = Math.min(1, max / Math.max(bmp.width, bmp.height));
      var c = document.createElement("canvas");
      c.width = Math.round(bmp.width * scale); c.height = Math.round(bmp.height * scale);
      c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
      return new Promise(function (ok) { c.toBlob(function (b) { ok({ blob: b, width: c.width, height: c.height }); }, "image/jpeg", 0.85); });
    });
  }
  function thumbnail(blob) {
    return createImageBitmap(blob).then(function (bmp) {
      var s = 200 / Math.max(bmp.width, bmp.height);
      var c = document.createElement("canvas");
      c.width = Math.round(bmp.width * s); c.height = Math.round(bmp.height * s);
      c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
      return c.toDataURL("image/jpeg", 0.7);
    });
  }
  function addPhoto(file, visitUuid, label) {
    return downscale(file, 2048).then(function (r) {
      return thumbnail(r.blob).then(function (thumb) {
        var item = { id: uuid(), kind: "photo", status: "draft", visit_uuid: visitUuid, blob: r.blob,
                     thumb: thumb, width: r.width, height: r.height, label: label || "" };
        return put(item).then(function () { return item; });
      });
    });
  }
  function photosOf(visitUuid) {
    return all().then(function (items) {
      return items.filter(function (i) { return i.kind === "photo" && i.visit_uuid === visitUuid; });
    });
  }
  function release(visitUuid) {  // the visit was saved (or queued): its photos may go
    return photosOf(visitUuid).then(function (ps) {
      return Promise.all(ps.filter(function (p) { return p.status === "draft"; }).map(function (p) {
        p.status = "waiting"; return db().then(function (d) { return d.put("items", p); });
      }));
    }).then(refresh);
  }

  /* --- sending ------------------------------------------------------------------------------ */
  var progress = {};
  function emit() { document.dispatchEvent(new CustomEvent("outbox:change")); }

  function sendJSON(path, payload) {
    return fetch(API + path, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify(payload) }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
      });
  }
  function sendPhoto(visitId, item) {
    return new Promise(function (ok, fail) {
      var x = new XMLHttpRequest();
      x.open("POST", API + "/visits/" + visitId + "/photos");
      x.setRequestHeader("X-CSRFToken", csrf());
      x.setRequestHeader("Accept", "application/json");
      x.upload.onprogress = function (e) {
        if (e.lengthComputable) { progress[item.id] = e.loaded / e.total; emit(); }
      };
      x.onload = function () {
        var body = {}; try { body = JSON.parse(x.responseText); } catch (e) { /* not JSON */ }
        ok({ status: x.status, body: body });
      };
      x.onerror = function () { fail(new Error("network")); };
      var fd = new FormData();
      fd.append("file", item.blob, item.id + ".jpg");
      fd.append("client_uuid", item.id);
      x.send(fd);
    });
  }

  function settle(item, res, serverId) {
    if (res.status >= 200 && res.status < 300) {
      return db().then(function (d) {
        var tx = d.transaction(["items", "sent", "ids"], "readwrite");
        // One transaction: an acknowledged item is never left in the outbox to be sent again.
        if ((item.kind === "visit" || item.kind === "enterprise") && res.body && res.body.id) {
          tx.objectStore("ids").put({ uuid: item.id, id: Number(res.body.id) });
        }
        tx.objectStore("items").delete(item.id);
        if (item.kind === "photo") sentHere[item.visit_uuid] = (sentHere[item.visit_uuid] || 0) + 1;
        tx.objectStore("sent").put({ id: item.id, kind: item.kind, label: item.label || "", thumb: item.thumb || null,
                                     visit_uuid: item.kind === "visit" ? item.id : item.visit_uuid,
                                     server_id: serverId || (res.body && res.body.id) || null, at: new Date().toISOString() });
        return tx.done;
      });
    }
    var err = (res.body && res.body.error) || {};
    if (refused(res.status)) {
      // Refused for good: the API keeps what it refused for a reviewer; the phone shows why and
      // does not send it again.
      item.status = "conflict";
      item.error = err.message || ("HTTP " + res.status);
      item.code = err.code || "";
    } else {
      backoff(item, res.status === 401 ? (cfg.relogin || err.message) : (err.message || ("HTTP " + res.status)));
    }
    return db().then(function (d) { return d.put("items", item); });
  }
  /* 401 is a lost session (log in again, then it goes); 408 and 429 are "try later". */
  function refused(status) { return status >= 400 && status < 500 && [401, 408, 429].indexOf(status) < 0; }
  var BACKOFF_MS = 5000, BACKOFF_MAX_MS = 600000;
  function backoff(item, why) {
    item.status = "failed";
    item.error = why;
    item.attempts = (item.attempts || 0) + 1;
    item.next_at = Date.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_MS * Math.pow(2, item.attempts - 1));
  }

  function pending(kind, id) {
    return all().then(function (items) { return items.some(function (i) { return i.kind === kind && i.id === id; }); });
  }
  function getJSON(path) {
    return fetch(API + path, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }
  /* The site pinned offline, by the UUID the phone gave it: its server id once it has one, null
     while it is still waiting (or was refused, then its visit waits with it). */
  function siteId(enterpriseUuid) {
    return enterpriseUuid ? knownId(enterpriseUuid) : Promise.resolve(null);
  }

  /* A visit saved online by a form post (or sent from another page) is known to the bureau by
     its UUID: ask once, remember the answer. Never for a visit still waiting on this phone. */
  function lookupVisit(visitUuid) {
    if (!visitUuid) return Promise.resolve(null);
    return pending("visit", visitUuid).then(function (waits) {
      if (waits || !cfg.visitUrl) return null;
      return fetch(cfg.visitUrl.replace("UUID", encodeURIComponent(visitUuid)),
                   { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body || !body.id) return null;
          return remember(visitUuid, body.id).then(function () { return Number(body.id); });
        });
    });
  }

  function sendEnterprise(item) {
    var p = item.payload;
    // The last attempt got no answer: the site may exist already. Look before sending again.
    var probe = item.attempted
      ? getJSON("/enterprises?q=" + encodeURIComponent(p.name) + "&near=" + p.lat + "," + p.lon + "&radius_m=25&limit=5")
          .then(function (fc) {
            var hit = fc && (fc.features || []).filter(function (ft) { return (ft.properties || {}).name === p.name; })[0];
            return hit ? { status: 200, body: { id: hit.id } } : null;
          })
      : Promise.resolve(null);
    return probe.then(function (found) {
      if (found) return settle(item, found);
      item.attempted = true;
      return db().then(function (d) { return d.put("items", item); })
        .then(function () { return sendJSON("/enterprises", p); })
        .then(function (res) { return settle(item, res); });
    });
  }

  function sendOne(item) {
    if (item.kind === "enterprise") return sendEnterprise(item);
    if (item.kind === "visit") {
      return siteId(item.enterprise_uuid).then(function (eid) {
        var payload = Object.assign({}, item.payload);
        if (item.enterprise_uuid) {
          if (!eid) return null;  // its site has not reached the bureau yet
          payload.enterprise_id = eid;
        }
        return sendJSON("/visits", payload).then(function (res) { return settle(item, res); });
      });
    }
    if (item.kind === "event") {
      return knownId(item.visit_uuid).then(function (visitId) {
        var payload = Object.assign({}, item.payload);
        if (item.visit_uuid && !visitId) {
          return pending("visit", item.visit_uuid).then(function (waits) {
            if (waits) return null;  // linked to a visit still on the phone: after it
            return sendJSON("/cases/" + item.case_id + "/events", payload).then(function (res) { return settle(item, res); });
          });
        }
        if (visitId) payload.visit_id = visitId;
        return sendJSON("/cases/" + item.case_id + "/events", payload).then(function (res) { return settle(item, res); });
      });
    }
    return Promise.all([knownId(item.visit_uuid), siteId(item.enterprise_uuid)]).then(function (ids) {
      var visitId = ids[0];
      if (item.kind === "photo") {
        var known = visitId ? Promise.resolve(visitId) : lookupVisit(item.visit_uuid);
        return known.then(function (id) {
          if (!id) return null;  // its visit has not arrived yet
          return sendPhoto(id, item).then(function (res) { return settle(item, res, id); });
        });
      }
      if (item.kind === "case") {
        var payload = Object.assign({}, item.payload);
        if (item.enterprise_uuid) {
          if (!ids[1]) return null;
          payload.enterprise_id = ids[1];
        }
        if (visitId) payload.visit_id = visitId;
        else if (item.visit_uuid) {
          // The API links the order by the visit's UUID; never send an order before its visit.
          return pending("visit", item.visit_uuid).then(function (waits) {
            if (waits) return null;
            payload.visit_client_uuid = item.visit_uuid;
            return sendJSON("/cases", payload).then(function (res) { return settle(item, res); });
          });
        }
        return sendJSON("/cases", payload).then(function (res) { return settle(item, res); });
      }
      return null;
    });
  }

  var syncing = null;
  var timer = null;
  var ORDER = { enterprise: 0, visit: 1, event: 2, case: 3, photo: 4 };
  /* Whether an item may be tried in this pass. A photo still in "draft" belongs to a visit form
     that may not be saved yet: it goes only once the bureau knows that visit (sendOne asks). */
  function due(i, now, force) {
    if (i.status === "waiting") return true;
    if (i.status === "draft") return i.kind === "photo";
    if (i.status === "failed") return force || !i.next_at || i.next_at <= now;
    return false;
  }
  /* One pass sends what can go now; what waited on an item sent in this pass goes in the next.
     Passes stop when one sends nothing (the rest waits for the network or for a refused item). */
  function pass(force) {
    return all().then(function (items) {
      var now = Date.now();
      items = items.filter(function (i) { return due(i, now, force); });
      items.sort(function (a, b) { return (ORDER[a.kind] - ORDER[b.kind]) || (a.created < b.created ? -1 : 1); });
      var sent = 0;
      return items.reduce(function (p, item) {
        return p.then(function () {
          var before = item.status;
          if (before !== "draft") { item.status = "sending"; emit(); }
          return sendOne(item).then(function (r) {
            if (r === null) { item.status = before === "failed" ? "failed" : before; }
            else { sent += 1; }
          }).catch(function () {
            backoff(item, cfg.network || "network");
            return db().then(function (d) { return d.put("items", item); });
          }).then(function () { delete progress[item.id]; return refresh(); });
        });
      }, Promise.resolve()).then(function () { return sent; });
    });
  }
  /* The next retry of a failed item, when its pause is over. */
  function schedule() {
    return all().then(function (items) {
      var next = items.filter(function (i) { return i.status === "failed" && i.next_at; })
        .map(function (i) { return i.next_at; }).sort()[0];
      if (timer) { clearTimeout(timer); timer = null; }
      if (next) timer = setTimeout(function () { timer = null; sync(); }, Math.max(1000, next - Date.now()));
    });
  }
  function sync(force) {
    if (syncing) return syncing;
    if (!navigator.onLine) return Promise.resolve();
    function loop(n) {
      return pass(force && n === 0).then(function (sent) { if (sent && n < 5 && navigator.onLine) return loop(n + 1); });
    }
    syncing = loop(0).then(schedule).then(function () { syncing = null; }, function (e) { syncing = null; throw e; });
    return syncing;
  }

  /* --- badge, offline bar -------------------------------------------------------------------- */
  function waitingCount(items) { return items.filter(function (i) { return i.status !== "draft"; }).length; }
  function refresh() {
    return all().then(function (items) {
      var n = waitingCount(items);
      var fab = document.getElementById("outbox-fab");
      var count = document.getElementById("outbox-count");
      if (count) count.textContent = String(n);
      if (fab) fab.hidden = n === 0 || /\/m\/outbox$/.test(location.pathname);
      // Room at the end of the page, so the floating pill never hides the last lines.
      document.body.classList.toggle("has-fab", !!fab && !fab.hidden);
      photoCount(items);
      emit();
      return items;
    });
  }
  /* A visit's page counts its photos: received by the bureau, and those still on this phone, so
     an officer never takes them again thinking they were lost. */
  var sentHere = {};
  function photoCount(items) {
    var box = document.getElementById("photo-count");
    if (!box || !box.dataset.visitUuid) return;
    var mine = items.filter(function (i) { return i.kind === "photo" && i.visit_uuid === box.dataset.visitUuid; });
    var refusedN = mine.filter(function (i) { return i.status === "conflict"; }).length;
    var received = Number(box.dataset.count) + (sentHere[box.dataset.visitUuid] || 0);
    var parts = [box.dataset.received.replace("{n}", received)];
    if (mine.length - refusedN) parts.push(box.dataset.waiting.replace("{n}", mine.length - refusedN));
    if (refusedN) parts.push(box.dataset.refused.replace("{n}", refusedN));
    box.dataset.receivedNow = String(received);
    box.dataset.pending = String(mine.length - refusedN);
    box.textContent = parts.join(" · ");
  }
  function showOnline() {
    if (bar) bar.hidden = navigator.onLine;
    document.documentElement.classList.toggle("is-offline", !navigator.onLine);
  }

  /* --- service worker: cache the app shell and the worklist's sites --------------------------- */
  function cacheUrls(urls) {
    if (!("serviceWorker" in navigator) || !urls.length) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) reg.active.postMessage({ type: "cache", urls: urls });
    });
  }
  function registerWorker() {
    if (!("serviceWorker" in navigator) || !cfg.sw) return;
    navigator.serviceWorker.register(cfg.sw, { scope: "/m/" }).catch(function () { /* no worker: online only */ });
    // Links marked data-offline (e.g. a close order's checklist) open without signal too.
    var marked = Array.prototype.map.call(document.querySelectorAll("a[data-offline]"), function (a) { return a.getAttribute("href"); });
    var shell = (cfg.shell || "").split(" ").concat((cfg.assets || "").split(" "), [location.pathname + location.search], marked);
    cacheUrls(shell.filter(Boolean));
  }

  /* Pages that know a visit's server id (after an online form post) tell the outbox, so its
     photos can follow. */
  function learnIds() {
    var marks = document.querySelectorAll("[data-visit-uuid][data-visit-id]");
    return Promise.all(Array.prototype.map.call(marks, function (el) {
      if (!el.dataset.visitId) return null;
      return remember(el.dataset.visitUuid, el.dataset.visitId).then(function () { return release(el.dataset.visitUuid); });
    }));
  }

  /* The photo picker of the visit and checklist pages: thumbnails of the photos waiting for a
     visit, removable before sending. getUuid() is asked each time, because a page may take a
     fresh visit UUID after it has started. keep() chooses which photos show. */
  function photoPicker(grid, input, getUuid, label, keep) {
    function show() {
      var visit = getUuid();
      if (!visit) return Promise.resolve();
      return photosOf(visit).then(function (photos) {
        grid.textContent = "";
        photos.filter(keep || function () { return true; }).forEach(function (p) {
          var box = document.createElement("div"); box.className = "thumb";
          var img = document.createElement("img"); img.src = p.thumb; img.alt = "";
          var rm = document.createElement("button"); rm.type = "button"; rm.textContent = "✕";
          rm.setAttribute("aria-label", grid.dataset.remove);
          rm.addEventListener("click", function () {
            if (!window.confirm(grid.dataset.confirm || grid.dataset.remove)) return;
            remove(p.id).then(show);
          });
          box.appendChild(img); box.appendChild(rm); grid.appendChild(box);
        });
      });
    }
    if (input) {
      input.addEventListener("change", function () {
        var files = Array.prototype.slice.call(input.files || []);
        files.reduce(function (p, file) {
          return p.then(function () { return addPhoto(file, getUuid(), label); }).then(show);
        }, Promise.resolve()).then(function () { input.value = ""; });
      });
    }
    show();
    return show;
  }

  window.Outbox = { uuid: uuid, fresh: fresh, put: put, remove: remove, all: all, sync: sync, addPhoto: addPhoto, photosOf: photosOf,
                    photoPicker: photoPicker,
                    release: release, refresh: refresh, refused: refused, progress: progress, cacheUrls: cacheUrls, csrf: csrf,
                    sent: function () { return db().then(function (d) { return d.getAll("sent"); }); },
                    visitUrl: function (u) { return (cfg.visitUrl || "").replace("UUID", u); } };

  window.addEventListener("online", function () { showOnline(); sync(true); });
  window.addEventListener("offline", showOnline);
  showOnline();
  registerWorker();
  learnIds().then(refresh).then(function () { return sync(); }).catch(function () { /* shown in the outbox */ });
})();
