// gp ui: times in the viewer's zone, the CSRF value on htmx requests, a run's live updates.
(function () {
  "use strict";
  function localTimes(root) {
    root.querySelectorAll("time.local").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) {
        el.textContent = when.toLocaleString(undefined, {
          weekday: "short", year: "numeric", month: "short", day: "numeric",
          hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
      }
    });
    var zone = document.getElementById("viewer-zone");
    if (zone) { zone.textContent = Intl.DateTimeFormat().resolvedOptions().timeZone; }
  }
  document.addEventListener("DOMContentLoaded", function () { localTimes(document); });
  document.addEventListener("htmx:configRequest", function (ev) {
    ev.detail.headers["X-CSRF-Token"] = document.body.dataset.csrf;
  });
  document.addEventListener("htmx:afterSwap", function (ev) { localTimes(ev.target); });
  // The header's environment selector switches as soon as one is chosen (the page's policy
  // allows no inline handlers).
  document.addEventListener("change", function (ev) {
    if (ev.target.matches && ev.target.matches("select[data-submit-on-change]")) {
      ev.target.form.submit();
    }
  });
  document.addEventListener("htmx:afterSettle", function (ev) {
    var panel = document.getElementById("logs");
    if (panel && ev.detail.target && ev.detail.target.id === "logs") {
      panel.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  });

  // Forms that act on something running (Stop, Retry) ask first; the question is the form's.
  document.addEventListener("submit", function (ev) {
    var question = ev.target.dataset && ev.target.dataset.confirm;
    if (question && !window.confirm(question)) { ev.preventDefault(); }
  });
  document.addEventListener("click", function (ev) {
    var close = ev.target.closest && ev.target.closest("[data-close]");
    if (!close) { return; }
    ev.preventDefault();
    var panel = document.getElementById(close.dataset.close);
    if (panel) { panel.replaceChildren(); panel.className = ""; }
  });

  // A run page listens to /runs/<ns>/<name>/events: each message is the run's phase and the
  // phase of every task; the boxes and table cells carry data-task, so they update in place.
  document.addEventListener("DOMContentLoaded", function () {
    var live = document.querySelector("[data-events]");
    if (!live || !window.EventSource) { return; }
    var source = new EventSource(live.dataset.events);
    source.addEventListener("run", function (ev) {
      var run = JSON.parse(ev.data);
      var phase = document.getElementById("run-phase");
      if (phase) { phase.textContent = run.phase; phase.className = "phase " + run.phase; }
      var msg = document.getElementById("run-message");
      if (msg) { msg.textContent = run.message || ""; }
      var why = document.getElementById("run-why");
      if (why) {
        why.hidden = !run.why.length;
        var list = why.querySelector("ul");
        list.replaceChildren();
        run.why.forEach(function (text) {
          var item = document.createElement("li"); item.textContent = text; list.appendChild(item);
        });
      }
      var dur = document.getElementById("run-duration");
      if (dur) { dur.textContent = run.duration || ""; }
      var started = document.getElementById("run-started");
      if (started) { started.textContent = run.started || ""; }
      Object.keys(run.tasks).forEach(function (name) {
        var t = run.tasks[name];
        document.querySelectorAll('svg.dag g.task[data-task="' + CSS.escape(name) + '"]').forEach(function (g) {
          g.setAttribute("class", g.getAttribute("class").replace(/phase-\w+/, "phase-" + t.phase));
          g.setAttribute("data-phase", t.phase);
          var detail = g.querySelector("text.detail");
          if (detail) { detail.textContent = t.phase; }
        });
        var row = document.querySelector('tr[data-row="' + CSS.escape(t.key) + '"]');
        if (row) {
          var cell = row.querySelector(".phase");
          cell.textContent = t.phase; cell.className = "phase " + t.phase;
          row.querySelector(".dur").textContent = t.duration || "";
          row.querySelector(".msg").textContent = t.message || "";
        }
      });
      document.querySelectorAll(".when-running").forEach(function (el) { el.hidden = run.done; });
      document.querySelectorAll(".when-failed").forEach(function (el) {
        el.hidden = !(run.phase === "Failed" || run.phase === "Error");
      });
      if (run.done) { source.close(); }
    });
    // The run cannot be read any more (deleted, or the cluster went away): say so, and stop
    // claiming the last phase seen.
    source.addEventListener("problem", function (ev) {
      source.close();
      var phase = document.getElementById("run-phase");
      if (phase) { phase.textContent = "Unknown"; phase.className = "phase Unknown"; }
      var msg = document.getElementById("run-message");
      if (msg) { msg.textContent = JSON.parse(ev.data); msg.className = "callout bad"; }
      document.querySelectorAll(".when-running").forEach(function (el) { el.hidden = true; });
    });
  });
})();
