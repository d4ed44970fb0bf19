// Every page: on a phone a data table reads as cards, one per row, each value under its
// column's name (elearn.css, table.cards). Without JavaScript the table scrolls sideways instead.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    if (table.classList.contains("matching") || table.closest("form")) { return; }  // inputs stay in their grid
    // A column named for screen readers only (the actions) gives its cells no visible label.
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.querySelector(".visually-hidden") ? "" : th.textContent.trim();
    });
    if (!heads.length) { return; }
    table.classList.add("cards");
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
