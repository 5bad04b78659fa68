// aftersale console: ticking SLA countdowns, keyboard shortcuts, next/previous case in the queue.
(function () {
  "use strict";

  var QUEUE_KEY = "aftersale.queue";
  var HOUR = 3600;

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  // Same format as the server's `countdown` filter: "H:MM" or "Nd H:MM", "−" when overdue.
  function formatRemaining(seconds) {
    var sign = seconds < 0 ? "−" : "";
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440);
    minutes -= days * 1440;
    var hours = Math.floor(minutes / 60);
    minutes -= hours * 60;
    return sign + (days ? days + "d " : "") + hours + ":" + pad(minutes);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = Math.round((due - now) / 1000);
      el.textContent = formatRemaining(left);
      var level = left < 0 ? "breach" : left < HOUR ? "warn" : "ok";
      el.classList.remove("sla-ok", "sla-warn", "sla-breach");
      el.classList.add("sla-" + level);
    });
  }

  // ---- the queue: remember its order so the case page can step through it -------------------

  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".case-row[data-case-url]")); }

  function rememberQueue() {
    var list = rows().map(function (row) { return row.getAttribute("data-case-url"); });
    if (list.length) {
      sessionStorage.setItem(QUEUE_KEY, JSON.stringify({ back: location.pathname + location.search, cases: list }));
    }
  }

  function savedQueue() {
    try { return JSON.parse(sessionStorage.getItem(QUEUE_KEY) || "null"); } catch (e) { return null; }
  }

  function neighbour(step) {
    var queue = savedQueue();
    var here = document.getElementById("case");
    if (!queue || !here) { return null; }
    var index = queue.cases.indexOf(here.getAttribute("data-case-url"));
    if (index < 0) { return null; }
    return queue.cases[index + step] || null;
  }

  function wireCaseNav() {
    document.querySelectorAll("[data-nav]").forEach(function (link) {
      var target = neighbour(link.getAttribute("data-nav") === "next" ? 1 : -1);
      link.hidden = !target;
      if (target) { link.setAttribute("href", target); }
    });
  }

  function select(step) {
    var all = rows();
    if (!all.length) { return; }
    var current = all.findIndex(function (row) { return row.classList.contains("selected"); });
    var next = Math.min(Math.max(current + step, 0), all.length - 1);
    if (current < 0) { next = 0; }
    all.forEach(function (row) { row.classList.remove("selected"); });
    all[next].classList.add("selected");
    all[next].scrollIntoView({ block: "nearest" });
  }

  // ---- shortcuts ------------------------------------------------------------------------------

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function focusReply(internal) {
    var body = document.querySelector("[data-shortcut=reply]");
    if (!body) { return; }
    var box = document.querySelector("[data-shortcut=note]");
    if (box) { box.checked = internal; }
    body.focus();
  }

  function press(selector) {
    var button = document.querySelector(selector);
    if (!button) { return false; }
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var onCase = !!document.getElementById("case");
    var handled = true;
    switch (event.key) {
      case "j":
      case "k":
        if (onCase) {
          var target = neighbour(event.key === "j" ? 1 : -1);
          if (target) { location.href = target; }
        } else {
          select(event.key === "j" ? 1 : -1);
        }
        break;
      case "Enter":
      case "o":
        var selected = document.querySelector(".case-row.selected");
        if (selected) { location.href = selected.getAttribute("data-case-url"); } else { handled = false; }
        break;
      case "c": handled = press("[data-shortcut=claim]"); break;
      case "a": handled = press("button[data-action=approve]"); break;
      case "s": handled = press("button[data-action=start_review]"); break;
      case "r": focusReply(false); break;
      case "n": focusReply(true); break;
      case "/":
        var search = document.querySelector("[data-shortcut=search]");
        if (search) { search.focus(); search.select(); } else { handled = false; }
        break;
      case "?":
        var help = document.getElementById("shortcut-help");
        if (help && help.showModal) { help.showModal(); }
        break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  function refresh() {
    tick();
    if (document.querySelector("[data-queue-list]")) { rememberQueue(); }
    wireCaseNav();
  }

  document.addEventListener("DOMContentLoaded", function () {
    refresh();
    setInterval(tick, 30000);
  });
  document.addEventListener("htmx:afterSettle", refresh);
})();

// A select marked data-autosubmit submits its form when changed (language menu, filters): an
// attribute rather than an inline handler, which the Content-Security-Policy forbids.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
