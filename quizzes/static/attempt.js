// Quiz attempt: save each answer as it is given, and show the time left.
// Progressive: without this file the page form saves on every page change, and the
// server enforces the deadline either way.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form") || document.getElementById("submit-form");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var saveUrl = form.getAttribute("data-save-url");

  function say(fieldset, text, failed) {
    var out = fieldset.querySelector(".save-state");
    if (!out) { return; }
    out.textContent = text;
    out.classList.toggle("failed", !!failed);
  }

  function save(fieldset) {
    var data = new FormData();
    var n = fieldset.getAttribute("data-question");
    data.append("shown", n);
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "shown" || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      data.append(el.name, el.value);
    });
    say(fieldset, form.getAttribute("data-saving") || "…");
    return fetch(saveUrl, {method: "POST", body: data, credentials: "same-origin",
                           headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
      .then(function (r) { return r.json().then(function (body) { return {status: r.status, body: body}; }); })
      .then(function (res) {
        if (res.body.ok) {
          say(fieldset, "✓");
        } else {
          say(fieldset, res.body.error, true);
          if (res.body.finished && res.body.review) { window.location.href = res.body.review; }
        }
      })
      .catch(function () {
        // Offline: the answer is still in the form and is sent with the next page change.
        say(fieldset, "⚠", true);
      });
  }

  if (saveUrl) {
    var timers = {};
    form.addEventListener("change", function (event) {
      var fieldset = event.target.closest("fieldset.question");
      if (fieldset) { save(fieldset); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.type !== "text") { return; }
      var fieldset = event.target.closest("fieldset.question");
      if (!fieldset) { return; }
      clearTimeout(timers[fieldset.id]);
      timers[fieldset.id] = setTimeout(function () { save(fieldset); }, 800);
    });
  }

  var timer = document.getElementById("quiz-timer");
  if (!timer) { return; }
  var value = timer.querySelector(".timer-value");
  var endsAt = Date.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
  var done = false;
  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    value.textContent = (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
    timer.classList.toggle("urgent", left <= 60);
    if (left === 0 && !done) {
      done = true;
      // Time is up: submit what the page holds; the server grades with what arrived in time.
      var go = document.createElement("input");
      go.type = "hidden"; go.name = "go"; go.value = "finish";
      form.appendChild(go);
      form.submit();
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
