// Rich-text editing over a <textarea data-rich>: headings, bold, lists, links, images, simple
// tables (Quill's table module: insert a table, add a row or a column, delete it), paste from
// Word. Progressive enhancement: without JavaScript (or before Quill has loaded) the textarea
// is the editor, and the server's bleach stays the gate either way. Quill is fetched
// only on pages that have such a field (it is 200 KB; commune lines are slow).
(function () {
  "use strict";
  if (window.elearnEditor) { return; }  // one <script> per rich field: the first does them all
  window.elearnEditor = true;
  var fields = document.querySelectorAll("textarea[data-rich]");
  if (!fields.length) { return; }
  var base = document.currentScript.src.replace(/editor\.js(\?.*)?$/, "vendor/quill/");

  // What Quill keeps. A text with anything else (header cells, merged cells, a cell of several
  // paragraphs, definition lists, figures) stays a textarea of HTML: the editor would drop those
  // parts without a word. Quill's tables are plain grids of one-line cells.
  var KEPT = ["P", "BR", "H2", "H3", "H4", "STRONG", "B", "EM", "I", "U", "S", "A", "UL", "OL", "LI",
              "BLOCKQUOTE", "PRE", "CODE", "IMG", "SUB", "SUP", "SPAN", "TABLE", "TBODY", "TR", "TD"];
  var BLOCKS = ["P", "H2", "H3", "H4", "UL", "OL", "LI", "BLOCKQUOTE", "PRE", "TABLE"];

  function keepsCell(td) {
    if (td.hasAttribute("colspan") || td.hasAttribute("rowspan")) { return false; }
    var blocks = td.querySelectorAll("*");
    var count = 0;
    for (var i = 0; i < blocks.length; i++) {
      if (BLOCKS.indexOf(blocks[i].tagName) >= 0) {
        if (blocks[i].tagName !== "P" || blocks[i].parentNode !== td) { return false; }
        count += 1;
      }
    }
    return count <= 1;
  }

  function keepsEverything(html) {
    var box = document.createElement("template");
    box.innerHTML = html;
    var all = box.content.querySelectorAll("*");
    for (var i = 0; i < all.length; i++) {
      if (KEPT.indexOf(all[i].tagName) < 0) { return false; }
      if (all[i].tagName === "TD" && !keepsCell(all[i])) { return false; }
    }
    return true;
  }

  // A pasted table (from Word or a web page): a header cell is a cell, and a cell's paragraphs
  // are one line (Quill would make each paragraph a cell of its own and shift the row).
  function oneLineCell(node, delta) {
    var ops = delta.ops.map(function (op) {
      if (typeof op.insert !== "string" || op.insert.indexOf("\n") < 0) { return op; }
      return { insert: op.insert.replace(/\n/g, " ") };  // a paragraph's end, and its formats, go
    });
    while (ops.length && typeof ops[ops.length - 1].insert === "string") {  // no space before the cell's end
      var last = ops[ops.length - 1];
      var kept = last.insert.replace(/\s+$/, "");
      if (kept) { ops[ops.length - 1] = { insert: kept, attributes: last.attributes }; break; }
      ops.pop();
    }
    var Delta = window.Quill.import("delta");
    return new Delta(ops).insert("\n");
  }

  var TABLE_BUTTONS = { insertTable: "▦", insertRow: "↧", insertColumn: "↦", deleteTable: "✕" };

  function note(area, text) {
    var p = document.createElement("small");
    p.className = "hint";
    p.textContent = text;
    area.parentNode.insertBefore(p, area.nextSibling);
  }

  // Quill names its buttons in English, or not at all: name them in the page's language.
  function nameButtons(toolbar, labels) {
    if (!toolbar || !toolbar.querySelectorAll) { return; }
    var controls = toolbar.querySelectorAll("button, .ql-picker-label");
    Array.prototype.forEach.call(controls, function (control) {
      var format = (control.className.match(/ql-(\w+)/) || [])[1];
      if (control.classList.contains("ql-picker-label")) { format = "header"; }
      var key = control.value ? format + "-" + control.value : format;
      if (labels[key]) {
        control.setAttribute("aria-label", labels[key]);
        control.setAttribute("title", labels[key]);
      }
    });
  }

  // Quill's own words are English, written by its stylesheet: the header choices ("Normal",
  // "Heading 2") and the link box ("Visit URL:", "Edit", "Remove", "Save"). Its CSS shows a
  // data-label instead when there is one; elearn.css does the same for the link box.
  function translate(quill, labels) {
    var picker = quill.getModule("toolbar").container.querySelector(".ql-picker.ql-header");
    if (picker) {
      Array.prototype.forEach.call(picker.querySelectorAll(".ql-picker-item"), function (item) {
        var text = labels["header-" + (item.getAttribute("data-value") || "normal")];
        if (text) { item.setAttribute("data-label", text); }
      });
      var chosen = picker.querySelector(".ql-picker-item.ql-selected") || picker.querySelector(".ql-picker-item:not([data-value])");
      var label = picker.querySelector(".ql-picker-label");
      if (chosen && label && chosen.getAttribute("data-label")) { label.setAttribute("data-label", chosen.getAttribute("data-label")); }
    }
    var tooltip = quill.theme && quill.theme.tooltip && quill.theme.tooltip.root;
    if (!tooltip) { return; }
    var set = function (element, attribute, key) {
      if (element && labels[key]) { element.setAttribute(attribute, labels[key]); }
    };
    set(tooltip, "data-visit", "tooltip-visit");
    set(tooltip, "data-enter", "tooltip-enter");
    set(tooltip.querySelector("a.ql-action"), "data-edit", "tooltip-edit");
    set(tooltip.querySelector("a.ql-action"), "data-save", "tooltip-save");
    set(tooltip.querySelector("a.ql-remove"), "data-remove", "tooltip-remove");
    var input = tooltip.querySelector("input[type=text]");
    set(input, "aria-label", "tooltip-enter");
    if (input) { input.setAttribute("data-link", "https://"); }  // the example address shown (was quilljs.com)
  }

  function enhance(area) {
    if (!keepsEverything(area.value)) {
      note(area, area.getAttribute("data-rich-html") || "");
      return;
    }
    var box = document.createElement("div");
    box.className = "rich-editor";
    area.parentNode.insertBefore(box, area.nextSibling);
    var quill = new window.Quill(box, {
      theme: "snow",
      modules: {
        toolbar: {
          container: [[{ header: [2, 3, 4, false] }], ["bold", "italic", "underline", "strike"],
                      [{ list: "ordered" }, { list: "bullet" }], ["blockquote", "link", "image"],
                      [{ script: "sub" }, { script: "super" }],
                      ["insertTable", "insertRow", "insertColumn", "deleteTable"], ["clean"]],
          handlers: {
            insertTable: function () { quill.getModule("table").insertTable(2, 2); },
            insertRow: function () { quill.getModule("table").insertRowBelow(); },
            insertColumn: function () { quill.getModule("table").insertColumnRight(); },
            deleteTable: function () { quill.getModule("table").deleteTable(); },
            image: function () {  // an address, not a pasted file: images are the course's attachments
              var url = window.prompt(area.getAttribute("data-rich-image") || "URL");
              if (url) { quill.insertEmbed(quill.getSelection(true).index, "image", url.trim(), "user"); }
            }
          }
        },
        table: true
      }
    });
    quill.clipboard.addMatcher("TD", oneLineCell);
    quill.clipboard.addMatcher("TH", oneLineCell);
    Object.keys(TABLE_BUTTONS).forEach(function (name) {
      var button = quill.getModule("toolbar").container.querySelector("button.ql-" + name);
      if (button) { button.textContent = TABLE_BUTTONS[name]; }
    });
    var labels = JSON.parse(area.getAttribute("data-rich-labels") || "{}");
    nameButtons(quill.getModule("toolbar").container, labels);
    translate(quill, labels);
    quill.clipboard.dangerouslyPasteHTML(area.value, "silent");  // the server's sanitized HTML
    area.hidden = true;
    var label = area.id && document.querySelector("label[for='" + area.id + "']");
    if (label) { label.addEventListener("click", function () { quill.focus(); }); }
    quill.root.setAttribute("role", "textbox");
    quill.root.setAttribute("aria-multiline", "true");
    if (label) { quill.root.setAttribute("aria-label", label.textContent.trim()); }
    var sync = function () {
      var empty = !quill.getText().trim() && !quill.root.querySelector("img");
      // Quill writes spaces as &nbsp;: plain spaces read and wrap as the author meant.
      area.value = empty ? "" : quill.getSemanticHTML().replace(/&nbsp;/g, " ");
    };
    quill.on("selection-change", function (range) { if (range === null) { sync(); } });  // left the editor
    if (area.form) { area.form.addEventListener("submit", sync); }
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "quill.snow.css";
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = base + "quill.js";
  script.onload = function () { Array.prototype.forEach.call(fields, enhance); };
  document.head.appendChild(script);
}());
