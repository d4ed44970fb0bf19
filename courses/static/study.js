// Studying with no connection (issue 21). Progressive: the pages are the same without it.
//
// - Course page: "Tải về để học khi không có mạng" asks the server for the course's lessons and
//   attachments (courses.views.download) and hands the list to the service worker
//   (elearn/static/sw.js), which stores them for this cadre (cleared on sign-out).
// - Lesson page: when it was opened from the phone's copy (rendered long ago, or no connection),
//   the opening is kept in IndexedDB ("elearn-study", store "events", one record per lesson);
//   "Mark as done" with no connection is kept there too. Every course page sends what is kept
//   when the line returns (courses.views.lesson_offline; idempotent: a second send changes nothing).
(function () {
  "use strict";
  var FROM_COPY_AFTER = 120;  // seconds: a page older than this was not just sent by the server
  var RETRY_MS = 4000;

  var opening = null;
  function open() {
    if (!opening) {
      opening = new Promise(function (resolve) {
        if (!window.indexedDB) { resolve(null); return; }
        var request;
        try { request = indexedDB.open("elearn-study", 1); } catch (e) { resolve(null); return; }
        request.onupgradeneeded = function () { request.result.createObjectStore("events", {keyPath: "item"}); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { resolve(null); };
      });
    }
    return opening;
  }
  function tx(mode, work) {
    return open().then(function (db) {
      if (!db) { return null; }
      return new Promise(function (resolve) {
        var t = db.transaction("events", mode);
        var request = work(t.objectStore("events"));
        t.oncomplete = function () { resolve(request ? request.result : null); };
        t.onerror = t.onabort = function () { resolve(null); };
      });
    });
  }
  function keep(item, change) {
    // Merge into the lesson's record: the first opening, the first "done".
    return tx("readonly", function (os) { return os.get(item); }).then(function (old) {
      var record = old || {item: item};
      Object.keys(change).forEach(function (k) { if (record[k] === undefined) { record[k] = change[k]; } });
      return tx("readwrite", function (os) { return os.put(record); });
    });
  }

  var sending = false;
  function send() {
    if (sending || navigator.onLine === false) { return Promise.resolve(); }
    sending = true;
    return tx("readonly", function (os) { return os.getAll(); }).then(function (records) {
      return (records || []).reduce(function (chain, r) {
        return chain.then(function () {
          var data = new FormData();
          data.append("csrf_token", r.csrf);
          if (r.opened_at) { data.append("opened_at", String(r.opened_at)); }
          if (r.done_at) { data.append("done", "1"); data.append("done_at", String(r.done_at)); }
          return fetch(r.url, {method: "POST", body: data, credentials: "same-origin",
                               headers: {"X-CSRFToken": r.csrf, "Accept": "application/json"}})
            .then(function (response) {
              // Recorded, or refused for good (a 4xx: the course closed, the cadre left it): forget it.
              if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 429)) {
                return tx("readwrite", function (os) { return os.delete(r.item); }).then(function () {
                  var state = document.getElementById("study-state");
                  var study = document.getElementById("study");
                  if (state && study && study.getAttribute("data-item") === String(r.item) && r.done_at) {
                    state.textContent = study.getAttribute("data-sent");
                  }
                });
              }
            }, function () { /* still no line: kept for the next try */ });
        });
      }, Promise.resolve());
    }).then(function () { sending = false; }, function () { sending = false; });
  }

  // --- the lesson page ---
  var study = document.getElementById("study");
  if (study) {
    var item = parseInt(study.getAttribute("data-item"), 10);
    var base = {url: study.getAttribute("data-sync-url"), csrf: study.getAttribute("data-csrf")};
    var now = function () { return Math.floor(Date.now() / 1000); };
    var rendered = parseInt(study.getAttribute("data-rendered"), 10) || 0;
    if (navigator.onLine === false || now() - rendered > FROM_COPY_AFTER) {
      keep(item, {url: base.url, csrf: base.csrf, opened_at: now()});
    }
    var form = document.getElementById("done-form");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (navigator.onLine !== false) { return; }
        event.preventDefault();
        keep(item, {url: base.url, csrf: base.csrf, opened_at: now(), done_at: now()}).then(function () {
          form.hidden = true;
          document.getElementById("study-state").textContent = study.getAttribute("data-kept");
        });
      });
    }
  }

  // --- the course page: download ---
  var download = document.getElementById("download");
  if (download && "serviceWorker" in navigator && window.MessageChannel) {
    var button = document.getElementById("download-button");
    var state = document.getElementById("download-state");
    var text = function (name, values) {
      var s = download.getAttribute("data-" + name);
      Object.keys(values).forEach(function (k) { s = s.replace("{" + k + "}", values[k]); });
      return s;
    };
    download.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(download.getAttribute("data-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (list) {
          if (!list.urls) { throw new Error(list.error || ""); }
          return navigator.serviceWorker.ready.then(function (registration) {
            return new Promise(function (resolve) {
              var channel = new MessageChannel();
              channel.port1.onmessage = function (event) {
                var m = event.data || {};
                if (m.progress) { state.textContent = text("progress", {done: m.progress, total: m.total}); }
                if (m.done !== undefined) { resolve(m); }
              };
              registration.active.postMessage({type: "download", urls: list.urls}, [channel.port2]);
            });
          });
        })
        .then(function (m) {
          state.textContent = m.failed ? text("failed", {n: m.failed}) : text("done", {n: m.done});
          download.classList.toggle("downloaded", !m.failed);
        }, function (error) {
          state.textContent = error && error.message ? error.message : text("failed", {n: "?"});
        })
        .then(function () { button.disabled = false; });
    });
  }

  send();
  window.addEventListener("online", function () { send(); });
  setInterval(send, RETRY_MS);
}());
