/* Injected into each HTML page of a package (sandboxed frame): scorm-again's CrossFrameAPI as the
   SCORM API the page looks for, its cache primed with the cadre's stored data so that the first
   GetValue (suspend data, location) answers at once. */
(function () {
  "use strict";
  var me = document.currentScript;
  var api = new window.CrossFrameAPI(me.getAttribute("data-parent"), window.top);
  var primed = JSON.parse(me.getAttribute("data-prime") || "{}");
  Object.keys(primed).forEach(function (key) { api._cache.set(key, String(primed[key])); });
  window.API = api;
  window.API_1484_11 = api;
}());
