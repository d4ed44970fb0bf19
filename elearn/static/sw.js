// elearn's service worker (served at /sw.js by elearn.offline): small on purpose.
//
// - Static files (CSS, JS, icons): from the cache at once, refreshed from the network behind.
// - Pages: from the network. A page that says it may be kept (header X-Elearn-Offline: keep: the
//   attempt page, a downloaded lesson) is stored; with no network it is shown from the store,
//   and a page never stored gets the "no connection" page.
// - Lesson attachments downloaded for offline reading: from the store when the network fails.
// - "download" message: store a course's lessons and attachments (the list comes from the page).
// - Nothing is sent or changed by the worker: answers and progress wait in the page's IndexedDB.
// The stores are the signed-in cadre's: the sign-out response clears them (Clear-Site-Data).
"use strict";
var VERSION = "1";
var STATIC = "elearn-static-" + VERSION;
var PAGES = "elearn-pages";
var OFFLINE = "/offline";
var SHELL = ["/offline", "/static/elearn.css", "/static/site.js", "/static/icons/icon-192.png"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("elearn-static-") === 0 && n !== STATIC; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function isStatic(url) {
  // /static/..., a blueprint's /quizzes/static/quizzes/..., /courses-static/...
  return /\/(static|courses-static)\//.test(url.pathname) || url.pathname === "/favicon.ico";
}

function fromStatic(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
      if (kept) {
        fresh.catch(function () { return null; });
        return kept;
      }
      return fresh;
    });
  });
}

function keep(request, response) {
  if (response.ok && !response.redirected && response.headers.get("X-Elearn-Offline") === "keep") {
    var copy = response.clone();
    caches.open(PAGES).then(function (cache) { cache.put(request.url, copy); });
  }
  return response;
}

function fromNetwork(request, navigation) {
  return fetch(request).then(function (response) { return keep(request, response); }, function (error) {
    return caches.open(PAGES).then(function (cache) { return cache.match(request.url); }).then(function (kept) {
      if (kept) { return kept; }
      if (navigation) {
        return caches.match(OFFLINE).then(function (page) { return page || Promise.reject(error); });
      }
      return Promise.reject(error);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (isStatic(url)) {
    event.respondWith(fromStatic(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fromNetwork(request, true));
  } else if (/\/attachment$/.test(url.pathname)) {
    event.respondWith(fromNetwork(request, false));
  }
});

// {type: "download", urls: [...]}: fetch each (as the cadre, with the download header so that the
// server records no visit) and store it; answers {done, failed} on the message's port.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "download" || !Array.isArray(data.urls)) { return; }
  var port = event.ports[0];
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    var done = 0, failed = 0;
    return data.urls.reduce(function (chain, u) {
      return chain.then(function () {
        var url = new URL(u, self.location.origin);
        if (url.origin !== self.location.origin) { failed += 1; return; }
        return fetch(url.href, {credentials: "same-origin", headers: {"X-Elearn-Download": "1"}})
          .then(function (response) {
            if (!response.ok || response.redirected) { failed += 1; return; }
            done += 1;
            if (port) { port.postMessage({progress: done, total: data.urls.length}); }
            return cache.put(url.href, response);
          }, function () { failed += 1; });
      });
    }, Promise.resolve()).then(function () {
      if (port) { port.postMessage({done: done, failed: failed, total: data.urls.length}); }
    });
  }));
});
