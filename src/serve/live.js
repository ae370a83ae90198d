// gongkai serve: live reload and the error overlay. Served at /__gongkai/live.js and added
// to pages only by `gongkai serve`; never part of a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var generation = script ? Number(script.getAttribute("data-generation")) : -1;
  var overlay = null;

  function pagePath() {
    var p = location.pathname;
    try { p = decodeURIComponent(p); } catch (e) { /* keep it encoded */ }
    if (p.charAt(p.length - 1) === "/") { p += "index.html"; }
    return p.replace(/^\/+/, "");
  }

  function el(tag, text, css) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (css) { e.style.cssText = css; }
    return e;
  }

  function hide() {
    if (overlay && overlay.parentNode) { overlay.parentNode.removeChild(overlay); }
    overlay = null;
  }

  function show(diags) {
    hide();
    overlay = el("div", "", "position:fixed;left:0;right:0;top:0;max-height:75vh;overflow:auto;z-index:2147483647;" +
      "background:#fff5f5;color:#1a1a1a;border-bottom:4px solid #b71c1c;box-shadow:0 6px 24px rgba(0,0,0,.35);" +
      "font:16px/1.6 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;padding:16px 24px;text-align:left");
    overlay.id = "gongkai-error-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", "gongkai-error-title");
    overlay.setAttribute("aria-describedby", "gongkai-error-list");
    var title = el("h2", "内容有错误，页面仍显示上次成功生成的版本", "margin:0 0 8px;font-size:20px;color:#b71c1c");
    title.id = "gongkai-error-title";
    title.tabIndex = -1;
    overlay.appendChild(title);
    var list = el("ol", "", "margin:0;padding-left:1.5em");
    list.id = "gongkai-error-list";
    for (var i = 0; i < diags.length; i++) {
      var d = diags[i];
      var item = el("li", "", "margin:8px 0");
      var head = el("div");
      head.appendChild(el("strong", d.code + " ", "color:#b71c1c"));
      if (d.path) {
        head.appendChild(el("code", d.path + ":" + d.line + ":" + d.col + " ", "background:#fde0e0;padding:0 4px"));
      }
      head.appendChild(el("span", d.message));
      item.appendChild(head);
      if (d.source_line) {
        item.appendChild(el("pre", d.line + " | " + d.source_line, "margin:4px 0;padding:4px 8px;background:#fff;border:1px solid #f2c0c0;white-space:pre-wrap"));
      }
      if (d.hint) { item.appendChild(el("div", "提示：" + d.hint, "color:#444")); }
      list.appendChild(item);
    }
    overlay.appendChild(list);
    var close = el("button", "关闭", "margin-top:8px;font:inherit;padding:2px 12px");
    close.type = "button";
    close.onclick = hide;
    overlay.appendChild(close);
    document.body.appendChild(overlay);
    title.focus();
  }

  function touchesPage(s) {
    if (s.reload_all) { return true; }
    var here = pagePath();
    for (var i = 0; i < s.changed.length; i++) {
      var p = s.changed[i];
      // A stylesheet, script or image may be on this page too.
      if (p === here || !/\.html$/.test(p)) { return true; }
    }
    return false;
  }

  function onStatus(s, first) {
    if (!s.ok) { show(s.diagnostics); return; }
    hide();
    if (first ? s.generation !== generation : touchesPage(s)) {
      location.reload();
    } else {
      generation = s.generation;
    }
  }

  if (!window.EventSource) { return; }
  var source = new EventSource("/__gongkai/events");
  source.addEventListener("hello", function (e) { onStatus(JSON.parse(e.data), true); });
  source.addEventListener("status", function (e) { onStatus(JSON.parse(e.data), false); });
})();
