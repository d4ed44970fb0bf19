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
