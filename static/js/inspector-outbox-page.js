/* The outbox page: each waiting item with its state, a thumbnail for photos, upload progress,
   and a way to remove it; refusals stay visible with the server's reason. */
(function () {
  "use strict";
  var list = document.getElementById("outbox-list");
  if (!list || !window.Outbox) return;
  var t = list.dataset;
  var summary = document.getElementById("outbox-summary");
  var sentCard = document.getElementById("synced-card");
  var sentList = document.getElementById("synced-list");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var KIND = { visit: t.kindVisit, photo: t.kindPhoto, case: t.kindCase, event: t.kindEvent, enterprise: t.kindEnterprise };

  function render() {
    Outbox.all().then(function (items) {
      items = items.filter(function (i) { return i.status !== "draft"; });
      items.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
      list.textContent = "";
      // Say what is true now: waiting (and why), or refused; never "when the network is back"
      // while the phone is online.
      var refusedN = items.filter(function (i) { return i.status === "conflict"; }).length;
      var waitingN = items.length - refusedN;
      var parts = [];
      if (waitingN) parts.push((navigator.onLine ? summary.dataset.online : summary.dataset.some).replace("{n}", waitingN));
      if (refusedN) parts.push(summary.dataset.refused.replace("{n}", refusedN));
      summary.textContent = parts.length ? parts.join(" ") : summary.dataset.none;
      items.forEach(function (i) {
        var li = el("li", "ob-item ob-" + i.kind);
        li.dataset.kind = i.kind; li.dataset.status = i.status;
        if (i.thumb) { var img = el("img", "ob-thumb"); img.src = i.thumb; img.alt = ""; li.appendChild(img); }
        var main = el("div", "ob-main");
        var head = el("div", "ob-head");
        head.appendChild(el("span", "ob-kind", KIND[i.kind] || i.kind));
        var state = { waiting: t.waiting, sending: t.sending, conflict: t.conflict, failed: t.failed }[i.status] || i.status;
        head.appendChild(el("span", "ob-state " + i.status, state));
        main.appendChild(head);
        main.appendChild(el("div", "small muted", i.label || ""));
        if (i.error) main.appendChild(el("div", "ob-error", i.error));
        if (i.status === "failed" && i.next_at) {
          var secs = Math.max(1, Math.round((i.next_at - Date.now()) / 1000));
          main.appendChild(el("div", "small muted ob-retry", t.retryIn.replace("{s}", secs)));
        }
        if (i.status === "conflict") main.appendChild(el("div", "small muted", t.keptNote));
        var p = Outbox.progress[i.id];
        if (i.kind === "photo" && (i.status === "sending" || p)) {
          var bar = el("div", "progress-bar"); var fill = el("span"); fill.style.width = Math.round((p || 0) * 100) + "%";
          bar.appendChild(fill); main.appendChild(bar);
        }
        li.appendChild(main);
        if (i.status !== "sending") {
          var rm = el("button", "button", "✕");
          rm.type = "button"; rm.title = t.discard; rm.setAttribute("aria-label", t.discard);
          rm.addEventListener("click", function () {
            // Unsent evidence exists only on this phone: ask before it goes.
            if (!window.confirm(i.status === "conflict" ? t.confirmRefused : t.confirmDiscard)) return;
            Outbox.remove(i.id);
          });
          li.appendChild(rm);
        }
        list.appendChild(li);
      });
    });
    Outbox.sent().then(function (rows) {
      rows = rows.filter(function (r) { return r.kind === "visit"; });
      rows.sort(function (a, b) { return a.at < b.at ? 1 : -1; });
      sentCard.hidden = rows.length === 0;
      sentList.textContent = "";
      rows.slice(0, 10).forEach(function (r) {
        var li = el("li", "row");
        var a = el("a", "title-line", r.label || t.kindVisit);
        a.href = Outbox.visitUrl(r.visit_uuid);
        li.appendChild(a);
        li.appendChild(el("span", "ob-state", t.sent));
        sentList.appendChild(li);
      });
    });
  }
  document.addEventListener("outbox:change", render);
  document.getElementById("sync-now").addEventListener("click", function () { Outbox.sync(true); });
  render();
})();
