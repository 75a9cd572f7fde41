/* Cablescope: progressive enhancement only. Every page works without this file; with it,
   the histogram can be brushed to a date range, the clearance toggle acts at once, the DTG
   shows in the reader's time zone, and "/" jumps to the search box. No inline handlers:
   the Content-Security-Policy allows scripts from this site's files only. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /* "/" focuses the search box (unless the reader is typing somewhere). */
  function searchShortcut() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      var box = document.querySelector('input[data-shortcut="/"]');
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });
  }

  /* A <select data-autosubmit> submits its form when changed (sort order). */
  function autoSubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) select.form.submit();
      });
    });
  }

  /* The DTG in the reader's own time zone, next to UTC. */
  function localTimes() {
    document.querySelectorAll(".local-time[data-utc]").forEach(function (span) {
      var when = new Date(span.getAttribute("data-utc"));
      if (isNaN(when.getTime())) return;
      var out = span.querySelector(".local-value");
      var zone = "";
      try {
        zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      } catch (e) { /* older browsers: no zone name */ }
      out.textContent = when.toLocaleString(undefined, {
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"
      }) + (zone ? " (" + zone + ")" : "");
      out.setAttribute("datetime", span.getAttribute("data-utc"));
      span.hidden = false;
    });
  }

  /* Clearance: hide every paragraph above the chosen level, at once; keep the URL in step. */
  function clearance() {
    var select = document.querySelector("select[data-clearance]");
    if (!select) return;
    var form = select.form;
    var button = form && form.querySelector('button[type="submit"]');
    if (button) button.hidden = true; /* the change applies itself */
    var counter = document.querySelector("[data-withheld-count]");

    function apply() {
      var option = select.options[select.selectedIndex];
      var cleared = option && option.value ? Number(option.getAttribute("data-rank")) : null;
      var hidden = 0;
      document.querySelectorAll(".para[data-rank]").forEach(function (para) {
        var raw = para.getAttribute("data-rank");
        var rank = raw === "" ? null : Number(raw);
        var withheld = cleared !== null && (rank === null || rank > cleared);
        var body = para.querySelector(".para-body");
        var note = para.querySelector(".withheld");
        if (body) body.hidden = withheld;
        if (note) note.hidden = !withheld;
        para.classList.toggle("is-withheld", withheld);
        if (withheld) hidden += 1;
      });
      if (counter) counter.textContent = String(hidden);
      var full = document.querySelector("[data-full-text]");
      if (full) full.hidden = cleared !== null; /* the unfiltered text has no place here */
      var url = new URL(window.location.href);
      if (option && option.value) {
        url.searchParams.set("cleared", option.value);
      } else {
        url.searchParams.delete("cleared");
      }
      window.history.replaceState(null, "", url.toString());
    }

    select.addEventListener("change", apply);
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        apply();
      });
    }
  }

  /* Histogram brush: drag across bars to search that date range. A plain click (or Enter
     on a focused bar) still follows the bar's own link. */
  function brush(svg) {
    var buckets = Array.prototype.slice.call(svg.querySelectorAll(".bucket"));
    if (buckets.length < 2) return;
    var template = svg.getAttribute("data-template");
    if (!template) return;
    var sort = svg.getAttribute("data-sort") || "relevance";
    var start = null;
    var end = null;
    var dragged = false;

    function indexAt(event) {
      var box = svg.getBoundingClientRect();
      var x = Math.min(Math.max(event.clientX - box.left, 0), box.width - 1);
      return Math.min(buckets.length - 1, Math.floor((x / box.width) * buckets.length));
    }

    function paint() {
      var low = Math.min(start, end);
      var high = Math.max(start, end);
      buckets.forEach(function (bucket, i) {
        bucket.classList.toggle("brushed", start !== null && i >= low && i <= high);
      });
    }

    svg.addEventListener("dragstart", function (event) { event.preventDefault(); });
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      start = end = indexAt(event);
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (start === null) return;
      var at = indexAt(event);
      if (at !== end) {
        end = at;
        if (!dragged && end !== start) {
          dragged = true; /* only now: a capture would turn a plain click into a click on the svg */
          if (svg.setPointerCapture) svg.setPointerCapture(event.pointerId);
        }
        paint();
      }
    });
    function finish() {
      if (start === null) return;
      var low = Math.min(start, end);
      var high = Math.max(start, end);
      var wasDrag = dragged && low !== high;
      start = end = null;
      if (!wasDrag) {
        paint();
        return;
      }
      var first = buckets[low].getAttribute("data-bucket");
      var last = buckets[high].getAttribute("data-bucket");
      var params = new URLSearchParams();
      params.set("q", template.replace("date:RANGE", "date:" + first + ".." + last));
      if (sort !== "relevance") params.set("sort", sort);
      window.location.assign("/search?" + params.toString());
    }
    svg.addEventListener("pointerup", finish);
    svg.addEventListener("pointercancel", function () {
      start = end = null;
      dragged = false;
      paint();
    });
    /* The click that ends a drag must not also follow the bar under the pointer. */
    svg.addEventListener("click", function (event) {
      if (dragged) {
        event.preventDefault();
        dragged = false;
      }
    }, true);
  }

  ready(function () {
    searchShortcut();
    autoSubmit();
    localTimes();
    clearance();
    document.querySelectorAll("svg.histogram-svg").forEach(brush);
  });
})();
