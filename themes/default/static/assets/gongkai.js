/* gongkai: progressive enhancement only. Everything works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  // 长者模式: large type and high contrast, remembered across pages.
  var btn = document.getElementById("elder-toggle");
  function setElder(on) {
    root.classList.toggle("elder", on);
    if (btn) btn.setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem("gk-elder", on ? "1" : "0"); } catch (e) {}
  }
  if (btn) {
    btn.hidden = false;
    btn.setAttribute("aria-pressed", root.classList.contains("elder") ? "true" : "false");
    btn.addEventListener("click", function () { setElder(!root.classList.contains("elder")); });
  }
  // Alt+Shift+E toggles 长者模式 from the keyboard anywhere.
  document.addEventListener("keydown", function (e) {
    if (e.altKey && e.shiftKey && (e.key === "E" || e.key === "e")) { setElder(!root.classList.contains("elder")); e.preventDefault(); }
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
  if (merged) return; // sorting would break merged cells of a 台账
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
