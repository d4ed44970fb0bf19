// Counts down the time left on a contest entry. The server keeps the real clock;
// this only shows it, and the page works the same without it.
(function () {
  var box = document.querySelector("[data-deadline-seconds]");
  var out = document.getElementById("contest-timer");
  if (!box || !out) { return; }
  var end = Date.now() + 1000 * parseInt(box.getAttribute("data-deadline-seconds"), 10);
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    out.textContent = "(" + m + ":" + (s < 10 ? "0" : "") + s + ")";
    if (left > 0) { setTimeout(tick, 1000); }
  }
  tick();
}());
