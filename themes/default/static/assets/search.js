/* 站内搜索: the search page's UI on gongkai's static index (/search-index/, built by
 * `gongkai build` from every published page; the engine is search-core.js). Loaded as a module
 * on /search/ only.
 * The query and filters live in the URL (?q=&type=&year=&issuer=), so results are linkable and
 * back/forward work. Nothing is requested from other hosts. */
import { openIndex, phrases, order, excerpt } from "./search-core.js";

const PAGE_SIZE = 10;
const FILTERS = [
  // URL parameter, filter name, <select> id
  ["type", "类型", "f-type"],
  ["year", "年份", "f-year"],
  ["issuer", "发文机关", "f-issuer"],
];
const UNAVAILABLE = "搜索索引暂时无法加载，请稍后再试，或通过政策文件库、信息公开目录和网站地图浏览。";

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const fieldset = document.getElementById("search-filters");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const headerInput = document.getElementById("site-q");

let loading = null;
let results = [];
let query = null;
let shown = 0;
let generation = 0;
let moreButton = null;

function readUrl() {
  const p = new URLSearchParams(location.search);
  const state = { q: (p.get("q") || "").trim() };
  for (const [param] of FILTERS) state[param] = p.get(param) || "";
  return state;
}

function readForm() {
  const state = { q: input.value.trim() };
  for (const [param, , id] of FILTERS) state[param] = document.getElementById(id).value;
  return state;
}

function fillForm(state) {
  input.value = state.q;
  if (headerInput) headerInput.value = state.q;
  for (const [param, , id] of FILTERS) {
    const select = document.getElementById(id);
    if (state[param] && !Array.prototype.some.call(select.options, (o) => o.value === state[param])) {
      addOption(select, state[param], state[param]);
    }
    select.value = state[param];
  }
}

function urlOf(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const [param] of FILTERS) if (state[param]) p.set(param, state[param]);
  const qs = p.toString();
  return location.pathname + (qs ? "?" + qs : "");
}

function addOption(select, value, label) {
  // A value from the URL may be there before the filters are loaded: relabel it.
  let o = Array.prototype.find.call(select.options, (x) => x.value === value);
  if (!o) {
    o = document.createElement("option");
    o.value = value;
    select.appendChild(o);
  }
  o.textContent = label;
}

function say(text) {
  status.textContent = text;
}

async function load() {
  if (!loading) {
    const index = openIndex("/search-index");
    loading = index.meta.then(() => {
      fieldset.hidden = false;
      return index;
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/* Every value of a filter, with its count among the results (the other filters applied); a
 * value picked in the URL stays even when nothing has it. */
function fillFilters(found, state) {
  const fill = (param, id, values, label, all = false) => {
    const select = document.getElementById(id);
    const counts = found.counts[param];
    const keep = new Set(values.filter((v) => all || counts.get(v)));
    if (state[param]) keep.add(state[param]);
    const want = values.filter((v) => keep.has(v));
    for (const o of [...select.options]) if (o.value && !keep.has(o.value)) o.remove();
    for (const v of want) addOption(select, v, label(v, counts.get(v) || 0));
    // Options in the order given.
    for (const v of want) select.appendChild([...select.options].find((o) => o.value === v));
    select.value = state[param];
  };
  fill("type", "f-type", found.types, (v, n) => `${v}（${n}）`, true);
  const years = [...found.counts.year.keys()].sort((a, b) => b.localeCompare(a));
  fill("year", "f-year", years, (v, n) => `${v}年（${n}）`);
  const issuers = [...found.counts.issuer.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh-CN"))
    .map((e) => e[0]);
  fill("issuer", "f-issuer", issuers, (v, n) => `${v}（${n}）`);
}

function describe(state) {
  const parts = [];
  if (state.type) parts.push(`类型：${state.type}`);
  if (state.year) parts.push(`年份：${state.year}年`);
  if (state.issuer) parts.push(`发文机关：${state.issuer}`);
  return parts.length ? `（${parts.join("，")}）` : "";
}

async function run(state) {
  const mine = ++generation;
  const clear = () => {
    list.textContent = "";
    results = [];
    shown = 0;
    removeMore();
  };
  const filtered = FILTERS.some(([param]) => state[param]);
  if (!state.q && !filtered) {
    clear();
    say("请输入关键词，例如：预决算、发文字号、收费项目名称。");
    return;
  }
  say("正在搜索……");
  let index;
  try {
    index = await load();
  } catch (e) {
    if (mine === generation) {
      clear();
      say(UNAVAILABLE);
    }
    return;
  }
  const found = await index.search(state.q, { type: state.type, year: state.year, issuer: state.issuer });
  if (mine !== generation) return;
  fillFilters(found, state);
  clear();
  results = found.ids.map((id, i) => ({ id, score: found.scores[i] }));
  query = phrases(state.q);
  const what = state.q ? `与“${state.q}”相关的` : "";
  if (!results.length) {
    say(`没有找到${what}结果${describe(state)}。请换个关键词，或减少筛选条件。`);
    return;
  }
  await showMore(mine, index);
  if (mine === generation) say(`共找到 ${results.length} 条${what}结果${describe(state)}。`);
}

function removeMore() {
  if (moreButton) moreButton.remove();
  moreButton = null;
}

async function showMore(mine, index) {
  const batch = results.slice(shown, shown + PAGE_SIZE);
  let data;
  try {
    data = await index.show(batch.map((r) => r.id), query);
  } catch (e) {
    if (mine === generation) say(UNAVAILABLE);
    return null;
  }
  if (mine !== generation) return null;
  data.forEach((d, i) => (d.score = batch[i].score));
  let first = null;
  for (const d of order(data, query)) {
    const li = render(d);
    if (!first) first = li;
    list.appendChild(li);
  }
  shown += batch.length;
  removeMore();
  if (shown < results.length) {
    moreButton = document.createElement("button");
    moreButton.type = "button";
    moreButton.className = "search-more";
    moreButton.textContent = `显示更多结果（已显示 ${shown} / ${results.length} 条）`;
    moreButton.addEventListener("click", async () => {
      const before = shown;
      await showMore(mine, index);
      const next = list.children[before];
      const link = next && next.querySelector("a");
      if (link) link.focus();
    });
    list.after(moreButton);
  }
  return first;
}

function render(d) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.className = "result-title";
  a.href = d.url;
  a.textContent = d.title || d.url;
  li.appendChild(a);
  const info = [d.type, d.docNo, d.issuer, d.date].filter(Boolean);
  if (info.length) {
    const p = document.createElement("p");
    p.className = "doc-meta";
    p.textContent = info.join("　");
    li.appendChild(p);
  }
  // Only where the query occurs as written: escaped text with <mark> around it.
  const html = excerpt(d, query);
  if (html) {
    const p = document.createElement("p");
    p.className = "excerpt";
    p.innerHTML = html;
    li.appendChild(p);
  }
  return li;
}
function submit(push) {
  const state = readForm();
  const url = urlOf(state);
  if (url !== location.pathname + location.search) {
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }
  if (headerInput) headerInput.value = state.q;
  return run(state);
}

if (form && input && status && list) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(true);
  });
  for (const [, , id] of FILTERS) {
    document.getElementById(id).addEventListener("change", () => submit(true));
  }
  let timer = null;
  input.addEventListener("input", (e) => {
    clearTimeout(timer);
    if (e.isComposing) return; // 输入法 still composing: wait for the characters
    timer = setTimeout(() => submit(false), 300);
  });
  window.addEventListener("popstate", () => {
    const state = readUrl();
    fillForm(state);
    run(state);
  });
  input.addEventListener("compositionend", () => {
    clearTimeout(timer);
    timer = setTimeout(() => submit(false), 300);
  });
  const initial = readUrl();
  fillForm(initial);
  load().catch(() => say(UNAVAILABLE));
  run(initial);
}
