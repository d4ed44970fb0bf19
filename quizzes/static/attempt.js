// Quiz attempt: keep each answer on the device until the server confirms it, and show the time left.
// Progressive: without this file the page form saves on every page change, and the server enforces
// the deadline either way.
//
// Every answer given is first written to IndexedDB (database "elearn-quiz", store "answers", one
// record per attempt and question: the page's inputs and a number that only grows), then sent. The
// server writes an answer only if its number is above the one it holds (quizzes.attempts.
// store_answers_once), so a resend after a drop, a reload or a crash writes nothing twice and an
// older answer never overwrites a newer one. A confirmed record is marked sent (a copy of the page
// kept offline may be older than it); the others are sent again, in question order, when the line
// returns (the "online" event and every few seconds). The review page forgets them all.
// A submission made with no connection is queued in the "submits" store and sent after the answers.
// The review page names the answers still on the device that the server never got in time.
(function () {
  "use strict";
  var keep = document.getElementById("keep");
  var notCounted = document.getElementById("not-counted");
  var form = document.getElementById("attempt-form") || document.getElementById("submit-form");
  var RETRY_MS = 4000;

  // --- the device's store (IndexedDB; memory only where the browser has none) ---------------
  var memory = {answers: {}, submits: {}};
  var opening = null;
  function open() {
    if (!opening) {
      opening = new Promise(function (resolve) {
        if (!window.indexedDB) { resolve(null); return; }
        var request;
        try { request = indexedDB.open("elearn-quiz", 1); } catch (e) { resolve(null); return; }
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("answers", {keyPath: "id"}).createIndex("attempt", "attempt");
          db.createObjectStore("submits", {keyPath: "attempt"});
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { resolve(null); };
      });
    }
    return opening;
  }
  function run(store, mode, work) {
    return open().then(function (db) {
      if (!db) {
        var out = work(null, memory[store]);
        return out ? out.result : null;
      }
      return new Promise(function (resolve) {
        var tx = db.transaction(store, mode);
        var result = work(tx.objectStore(store), null);
        tx.oncomplete = function () { resolve(result ? result.result : null); };
        tx.onerror = tx.onabort = function () { resolve(null); };
      });
    });
  }
  function put(store, record) {
    return run(store, "readwrite", function (os, mem) {
      if (mem) { mem[record.id || record.attempt] = record; return null; }
      return os.put(record);
    });
  }
  function remove(store, key) {
    return run(store, "readwrite", function (os, mem) {
      if (mem) { delete mem[key]; return null; }
      return os.delete(key);
    });
  }
  function get(store, key) {
    return run(store, "readonly", function (os, mem) { return mem ? {result: mem[key] || null} : os.get(key); })
      .then(function (r) { return r || null; });
  }
  function answersOf(attempt) {
    return run("answers", "readonly", function (os, mem) {
      if (mem) {
        return {result: Object.keys(mem).map(function (k) { return mem[k]; })
          .filter(function (r) { return r.attempt === attempt; })};
      }
      return os.index("attempt").getAll(attempt);
    }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.position - b.position; });
    });
  }

  // --- the review page: answers the server never got ------------------------------------------
  if (notCounted) {
    var reviewed = notCounted.getAttribute("data-attempt");
    var stored = {};
    notCounted.getAttribute("data-seqs").split(",").forEach(function (pair) {
      var p = pair.split(":");
      stored[p[0]] = parseInt(p[1], 10) || 0;
    });
    answersOf(reviewed).then(function (rows) {
      var lost = rows.filter(function (r) { return r.seq > (stored[r.position] || 0); })
        .map(function (r) { return r.position; });
      if (lost.length) {
        notCounted.textContent = notCounted.getAttribute("data-text").replace("{list}", lost.join(", "));
        notCounted.hidden = false;
      }
      rows.forEach(function (r) { remove("answers", r.id); });
      remove("submits", reviewed);
    });
  }
  if (!form || !keep) { return; }

  var attempt = keep.getAttribute("data-attempt");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var saveUrl = form.getAttribute("data-save-url");
  var submitUrl = keep.getAttribute("data-submit-url");
  var keepState = document.getElementById("keep-state");
  var words = function (name) { return keep.getAttribute("data-" + name); };
  var lastSeq = 0;
  function nextSeq() {
    lastSeq = Math.max(Date.now(), lastSeq + 1);
    return lastSeq;
  }

  function say(position, text, failed) {
    var fieldset = document.getElementById("q" + position);
    var out = fieldset && fieldset.querySelector(".save-state");
    if (!out) { return; }
    out.textContent = text;
    out.classList.toggle("failed", !!failed);
  }
  function tell(text) {
    if (keepState) { keepState.textContent = text || ""; }
  }

  function fieldsOf(fieldset) {
    var fields = [];
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "shown" || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      fields.push([el.name, el.value]);
    });
    return fields;
  }

  function show(record) {
    // Put an answer kept on the device back into the page (after a reload or a crash).
    var fieldset = document.getElementById("q" + record.position);
    if (!fieldset) { return; }
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "shown" || el.disabled) { return; }
      var values = record.fields.filter(function (f) { return f[0] === el.name; })
        .map(function (f) { return f[1]; });
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) >= 0;
      } else {
        el.value = values.length ? values[0] : "";
      }
    });
  }

  // --- sending ---------------------------------------------------------------------------------
  var finished = null;  // the review URL, once the server says the attempt is over
  function send(record) {
    var data = new FormData();
    data.append("shown", String(record.position));
    record.fields.forEach(function (f) { data.append(f[0], f[1]); });
    data.append("seq", String(record.seq));
    return fetch(saveUrl, {method: "POST", body: data, credentials: "same-origin",
                           headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
      .then(function (r) {
        return r.json().then(function (body) { return {status: r.status, body: body}; });
      })
      .then(function (res) {
        var stored = res.body.ok && res.body.overtaken ? res.body.overtaken[String(record.position)] : undefined;
        if (stored !== undefined && (record.bumps || 0) < 3) {
          // The server holds a different answer under a higher number (another device, or this
          // phone's clock went back): what this page shows is the cadre's latest, so send it again
          // above that number.
          return get("answers", record.id).then(function (now) {
            if (!now || now.seq !== record.seq) { return "sent"; }
            record.seq = Math.max(nextSeq(), stored + 1);
            lastSeq = record.seq;
            record.bumps = (record.bumps || 0) + 1;
            return put("answers", record).then(function () { again = true; return "sent"; });
          });
        }
        if (res.body.ok) {
          say(record.position, words("server"));
          return get("answers", record.id).then(function (now) {
            // Kept, marked sent: a copy of this page kept for offline (sw.js) may be older than the
            // answer. A newer answer given meanwhile stays unsent, to be sent next.
            if (now && now.seq === record.seq) { record.sent = true; return put("answers", record); }
          }).then(function () { return "sent"; });
        }
        say(record.position, res.body.error, true);
        if (res.body.finished) {
          finished = res.body.review || keep.getAttribute("data-review-url");
          return "finished";
        }
        if (res.status === 400) { return remove("answers", record.id).then(function () { return "refused"; }); }
        return "failed";
      }, function () {
        say(record.position, words("waiting"), true);
        return "failed";
      });
  }

  var flushing = null;
  var again = false;
  function flush() {
    // One pass at a time, in question order; a call during a pass asks for another.
    if (flushing) { again = true; return flushing; }
    flushing = answersOf(attempt).then(function (rows) {
      var ok = true;
      rows = rows.filter(function (r) { return !r.sent; });
      return rows.reduce(function (chain, record) {
        return chain.then(function () {
          if (!ok) { say(record.position, words("waiting"), true); return; }
          return send(record).then(function (outcome) { ok = outcome === "sent" || outcome === "refused"; });
        });
      }, Promise.resolve()).then(function () { return ok; });
    }).then(function (ok) {
      flushing = null;
      if (again) { again = false; return flush(); }
      if (finished) { window.location.href = finished; return false; }
      if (ok) { return submitQueued(); }
      return false;
    });
    return flushing;
  }

  function keepAnswer(fieldset) {
    var position = parseInt(fieldset.getAttribute("data-question"), 10);
    var record = {id: attempt + ":" + position, attempt: attempt, position: position,
                  fields: fieldsOf(fieldset), seq: nextSeq()};
    return put("answers", record).then(function () {
      say(position, words("local"));
      return flush();
    });
  }

  // --- submitting with no connection -------------------------------------------------------------
  function queueSubmit() {
    var key = form.querySelector("input[name=submit_key]").value;
    tell(words("queued"));
    return put("submits", {attempt: attempt, key: key}).then(flush);
  }
  function submitQueued() {
    return get("submits", attempt).then(function (queued) {
      if (!queued) { return true; }
      tell(words("sending"));
      var data = new FormData();
      data.append("csrf_token", csrf);
      data.append("submit_key", queued.key);
      return fetch(submitUrl, {method: "POST", body: data, credentials: "same-origin",
                               headers: {"X-CSRFToken": csrf}})
        .then(function (r) {
          if (!r.ok) { tell(words("queued")); return false; }
          // Graded once on the server, whatever the number of sends (the submission's key).
          return remove("submits", attempt).then(function () { window.location.href = r.url; return true; });
        }, function () { tell(words("queued")); return false; });
    });
  }

  form.addEventListener("submit", function (event) {
    if (form.id === "submit-form") {
      // The last step: answers still on the device go first, then the submission (now or when the
      // line returns); with nothing waiting and a line, the form is sent as without JavaScript.
      event.preventDefault();
      answersOf(attempt).then(function (rows) {
        var waiting = rows.filter(function (r) { return !r.sent; });
        if (!waiting.length && navigator.onLine !== false) { form.submit(); } else { queueSubmit(); }
      });
      return;
    }
    if (navigator.onLine !== false) { return; }
    // No connection: the page would only fail to load. Keep everything here instead.
    event.preventDefault();
    var go = event.submitter ? event.submitter.value : "";
    var finish = document.getElementById("offline-finish");
    if ((go === "summary" || go === "finish") && finish) {
      finish.hidden = false;
      document.getElementById("offline-submit").focus();
    } else if (/^\d{1,6}$/.test(go) && window.caches) {
      // Another page of the attempt: its copy kept on the phone (sw.js) if it was opened before.
      var target = new URL(keep.getAttribute("data-attempt-url") + "?page=" + go, window.location.href).href;
      caches.match(target).then(function (kept) {
        if (kept) { window.location.href = target; } else { tell(words("no-page")); }
      }, function () { tell(words("no-page")); });
    } else {
      tell(words("no-page"));
    }
  });
  var offlineSubmit = document.getElementById("offline-submit");
  if (offlineSubmit) {
    offlineSubmit.addEventListener("click", function () {
      document.getElementById("offline-finish").hidden = true;
      queueSubmit();
    });
  }

  if (saveUrl) {
    var timers = {};
    form.addEventListener("change", function (event) {
      var fieldset = event.target.closest("fieldset.question");
      if (fieldset) { clearTimeout(timers[fieldset.id]); keepAnswer(fieldset); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.type !== "text") { return; }
      var fieldset = event.target.closest("fieldset.question");
      if (!fieldset) { return; }
      clearTimeout(timers[fieldset.id]);
      timers[fieldset.id] = setTimeout(function () { keepAnswer(fieldset); }, 800);
    });
    // What the device kept from before a reload, a crash or a drop: back into the page, then sent.
    answersOf(attempt).then(function (rows) {
      rows.forEach(function (record) {
        lastSeq = Math.max(lastSeq, record.seq);
        show(record);
        if (record.sent) { say(record.position, words("server")); } else { say(record.position, words("waiting"), true); }
      });
      return flush();
    });
    window.addEventListener("online", function () { flush(); });
    setInterval(function () {
      if (navigator.onLine !== false) { flush(); }
    }, RETRY_MS);
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
      if (navigator.onLine === false) {
        // Time is up with no connection: the submission waits here; the server grades what arrived in time.
        queueSubmit();
        return;
      }
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
