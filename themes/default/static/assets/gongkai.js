/* gongkai: progressive enhancement only; every page works without this file.
   - 长者模式 (large type, high contrast): the header button (hidden without JavaScript; without it
     the browser's own zoom still works, the layout is fluid) or Alt+Shift+E anywhere. The choice
     is kept in localStorage "gk-elder"; an inline script in <head> applies it before first paint.
   - Content tables get a scrolling wrapper on narrow screens; ledger tables get a filter box
     and, when they have no merged cells, sortable columns. */
(function () {
  "use strict";
  var root = document.documentElement;
  var btn = document.getElementById("elder-toggle");
  function sync(on) {
    root.classList.toggle("elder", on);
    if (btn) btn.setAttribute("aria-pressed", on ? "true" : "false");
  }
  function setElder(on) {
    sync(on);
    try { localStorage.setItem("gk-elder", on ? "1" : "0"); } catch (e) {}
  }
  if (btn) {
    btn.hidden = false;
    sync(root.classList.contains("elder"));
    btn.addEventListener("click", function () { setElder(!root.classList.contains("elder")); });
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && (e.code === "KeyE" || e.key === "E" || e.key === "e")) {
      setElder(!root.classList.contains("elder"));
      e.preventDefault();
    }
  });
  // Another tab changed the setting.
  window.addEventListener("storage", function (e) { if (e.key === "gk-elder") sync(e.newValue === "1"); });

  // Tables inside Markdown bodies scroll on their own instead of widening the page.
  Array.prototype.forEach.call(document.querySelectorAll(".body table"), function (t) {
    if (t.parentNode.classList.contains("table-wrap")) return;
    var w = document.createElement("div");
    w.className = "table-wrap";
    t.parentNode.insertBefore(w, t);
    w.appendChild(t);
    if (w.scrollWidth > w.clientWidth) {
      w.tabIndex = 0;
      w.setAttribute("role", "region");
      w.setAttribute("aria-label", t.caption ? t.caption.textContent : "表格");
    }
  });

  // Ledger tables: filter box and column sort.
  var table = document.getElementById("ledger");
  if (!table) return;
  var tools = document.querySelector(".table-tools");
  var tbody = table.tBodies[0];
  var merged = table.querySelector("td[rowspan]") !== null || table.querySelector(".group-row") !== null;
  if (tools) {
    tools.hidden = false;
    var input = tools.querySelector("input");
    var out = tools.querySelector(".filter-count");
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0, total = 0;
      Array.prototype.forEach.call(tbody.rows, function (r) {
        if (r.classList.contains("group-row")) { r.hidden = q !== ""; return; }
        total++;
        var hit = q === "" || r.textContent.toLowerCase().indexOf(q) >= 0;
        r.hidden = !hit;
        if (hit) shown++;
      });
      out.textContent = q === "" ? "" : "显示 " + shown + " / " + total + " 项";
    });
  }
  if (merged) return; // sorting would break the merged cells of a 台账
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    if (!th.dataset.key) return;
    var b = document.createElement("button");
    b.type = "button"; b.className = "sort"; b.textContent = th.textContent;
    th.textContent = ""; th.appendChild(b); th.setAttribute("aria-sort", "none");
    b.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
        var c = x.localeCompare(y, "zh-CN", { numeric: true });
        return asc ? c : -c;
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });
})();
