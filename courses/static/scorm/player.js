/* The course page's side of a package (courses/packages/views.py says why it is built so):
   scorm-again's real API here, answering the sandboxed frame through CrossFrameLMS. */
(function () {
  "use strict";
  var box = document.getElementById("package-player");
  var frame = document.getElementById("package-frame");
  var state = document.getElementById("package-state");
  if (!box || !frame) { return; }
  var d = box.dataset;
  // The frame's origin is opaque, so messages are told apart by their window: only our frame's
  // reach the runtime (this listener runs before CrossFrameLMS's and stops the others).
  window.addEventListener("message", function (ev) {
    if (ev.source !== frame.contentWindow) { ev.stopImmediatePropagation(); }
  }, true);
  if (d.standard !== "cmi5") {
    var settings = {
      lmsCommitUrl: d.commitUrl || false, dataCommitFormat: "flattened", includeCommitSequence: true,
      alwaysSendTotalTime: true, autocommit: true, autocommitSeconds: 30, logLevel: 5,
      xhrWithCredentials: true
    };
    var api = d.standard === "scorm12" ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    api.loadFromFlattenedJSON(JSON.parse(d.prime || "{}"), "");
    // Synchronous commits (the default) report through the call's own error code, not an event.
    var report = function () {
      var code = String(d.standard === "scorm12" ? api.LMSGetLastError() : api.GetLastError());
      if (d.commitUrl) { state.textContent = code === "0" ? d.saved : d.failed; }
    };
    ["LMSCommit", "LMSFinish", "Commit", "Terminate"].forEach(function (name) { api.on(name, report); });
    new window.CrossFrameLMS(api, "*");
  }
  frame.src = d.launch;
}());
