// Every page: on a phone a data table reads as cards, one per row, each value under its
// column's name (elearn.css, table.row-cards). Without JavaScript the table scrolls sideways instead.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    if (table.classList.contains("matching") || table.closest("form")) { return; }  // inputs stay in their grid
    // A column named for screen readers only (the actions) gives its cells no visible label.
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.querySelector(".visually-hidden") ? "" : th.textContent.trim();
    });
    if (!heads.length) { return; }
    table.classList.add("row-cards");
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (heads[i]) { cell.setAttribute("data-label", heads[i]); }
      });
    });
  });
}());

// The installable app (elearn.offline): the service worker, the install button, and what the phone
// keeps for one cadre only. Another cadre signing in on the same phone first clears the pages and
// answers the previous one left (signing out clears them too, by the server's Clear-Site-Data).
(function () {
  "use strict";
  var body = document.body;
  var who = body.getAttribute("data-user") || "";
  try {
    var before = window.localStorage.getItem("elearn-user") || "";
    if (who && before && before !== who) {
      if (window.caches) {
        caches.keys().then(function (names) { names.forEach(function (n) { caches.delete(n); }); });
      }
      if (window.indexedDB) { ["elearn-quiz", "elearn-study"].forEach(function (n) { indexedDB.deleteDatabase(n); }); }
    }
    if (who) { window.localStorage.setItem("elearn-user", who); }
  } catch (e) { /* storage refused: nothing is kept either */ }

  // Signing out clears what the phone kept (Clear-Site-Data), answers and lessons done offline not
  // yet sent too: ask first when there are some (quizzes/static/attempt.js, courses/static/study.js).
  function unsent(name, store, count) {
    return new Promise(function (resolve) {
      var request;
      try { request = indexedDB.open(name); } catch (e) { resolve(0); return; }
      request.onupgradeneeded = function () { request.transaction.abort(); };  // none here: create nothing
      request.onerror = function () { resolve(0); };
      request.onsuccess = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(store)) { db.close(); resolve(0); return; }
        var all = db.transaction(store).objectStore(store).getAll();
        all.onsuccess = function () { db.close(); resolve(all.result.filter(count).length); };
        all.onerror = function () { db.close(); resolve(0); };
      };
    });
  }
  var signOut = document.getElementById("sign-out");
  if (signOut && window.indexedDB && window.Promise) {
    signOut.addEventListener("submit", function (event) {
      if (signOut.getAttribute("data-asked")) { return; }
      event.preventDefault();
      var go = function () { signOut.setAttribute("data-asked", "1"); signOut.submit(); };
      var late = setTimeout(go, 1500);  // a storage that does not answer never keeps anyone signed in
      Promise.all([unsent("elearn-quiz", "answers", function (r) { return !r.sent; }),
                   unsent("elearn-study", "events", function () { return true; })]).then(function (n) {
        clearTimeout(late);
        if (signOut.getAttribute("data-asked")) { return; }
        if (n[0] + n[1] === 0 || window.confirm(signOut.getAttribute("data-unsent"))) { go(); }
      });
    });
  }

  var sw = body.getAttribute("data-sw");
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, {scope: "/"}).catch(function () { /* pages work without it */ });
  }

  var install = document.getElementById("install-app");
  var offer = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offer = event;
    if (install) { install.hidden = false; }
  });
  if (install) {
    install.addEventListener("click", function () {
      if (!offer) { return; }
      offer.prompt();
      offer.userChoice.then(function () { offer = null; install.hidden = true; });
    });
  }
  window.addEventListener("appinstalled", function () { if (install) { install.hidden = true; } });
}());

// A button that deletes asks first (its data-confirm is the question). Without JavaScript it posts at
// once; the server refuses to delete what cadres have completed either way.
document.addEventListener("submit", function (event) {
  "use strict";
  var button = event.submitter;
  var question = button && button.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
