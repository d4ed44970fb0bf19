// Keeps a background job's progress bar current without reloading the page. The page works
// the same without it (a <noscript> refresh and a "Refresh now" link); when the job changes
// state (starts, finishes, fails) the page is reloaded to show the server's own view of it.
(function () {
  var box = document.querySelector("[data-job-url]");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("job-progress");
  var label = document.getElementById("job-label");
  var count = document.getElementById("job-count");
  var status = box.getAttribute("data-job-status");
  var polls = 0;  // reload now and then anyway: the page's own visit is what sends a lost job again
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function poll() {
    fetch(box.getAttribute("data-job-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        if (job.status !== status || ++polls >= 60) { window.location.reload(); return; }
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        if (status === "running") {
          label.textContent = box.getAttribute("data-percent-text").replace("{percent}", job.percent);
        }
        if (job.total) {
          count.textContent = box.getAttribute("data-count-text")
            .replace("{done}", thousands(job.done)).replace("{total}", thousands(job.total));
        }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
}());
