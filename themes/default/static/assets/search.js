/* 站内搜索: the search page's UI on Pagefind's JS API (/pagefind/pagefind.js), built by
 * `gongkai build` from every published page. Loaded as a module on /search/ only.
 * The query and filters live in the URL (?q=&type=&year=&issuer=), so results are linkable and
 * back/forward work. Nothing is requested from other hosts. */
const PAGE_SIZE = 20;
const FILTERS = [
  // URL parameter, Pagefind filter, <select> id
  ["type", "类型", "f-type"],
  ["year", "年份", "f-year"],
  ["issuer", "发文机关", "f-issuer"],
];
const TYPE_ORDER = ["政策文件", "政策解读", "清单", "其他"];
const UNAVAILABLE = "搜索索引暂时无法加载，请稍后再试，或通过政策文件库、信息公开目录和网站地图浏览。";

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const fieldset = document.getElementById("search-filters");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const headerInput = document.getElementById("site-q");

let pagefind = null;
let loading = null;
let results = [];
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
    loading = (async () => {
      const pf = await import("/pagefind/pagefind.js");
      // Long documents (policies) are penalised less than by default, and a match in the
      // 发文字号 counts as much as a heading.
      await pf.options({ excerptLength: 40, ranking: { pageLength: 0.3, metaWeights: { title: 5, doc_no: 10 } } });
      await pf.init();
      const all = await pf.filters();
      const entries = (name) => Object.entries(all[name] || {});
      const types = entries("类型").sort((a, b) => TYPE_ORDER.indexOf(a[0]) - TYPE_ORDER.indexOf(b[0]));
      for (const [v, n] of types) addOption(document.getElementById("f-type"), v, `${v}（${n}）`);
      const years = entries("年份").sort((a, b) => b[0].localeCompare(a[0]));
      for (const [v, n] of years) addOption(document.getElementById("f-year"), v, `${v}年（${n}）`);
      const issuers = entries("发文机关").sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh-CN"));
      for (const [v, n] of issuers) addOption(document.getElementById("f-issuer"), v, `${v}（${n}）`);
      fieldset.hidden = false;
      pagefind = pf;
      return pf;
    })();
  }
  return loading;
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
  let pf;
  try {
    pf = await load();
  } catch (e) {
    if (mine === generation) {
      clear();
      say(UNAVAILABLE);
    }
    return;
  }
  const filters = {};
  for (const [param, name] of FILTERS) if (state[param]) filters[name] = state[param];
  const found = await ranked(pf, state.q, filters);
  if (mine !== generation) return;
  clear();
  results = found;
  const what = state.q ? `与“${state.q}”相关的` : "";
  if (!results.length) {
    say(`没有找到${what}结果${describe(state)}。请换个关键词，或减少筛选条件。`);
    return;
  }
  await showMore(mine);
  if (mine === generation) say(`共找到 ${results.length} 条${what}结果${describe(state)}。`);
}

/* The browser splits a Chinese query into words (预决算 → 预 决算) and Pagefind matches each,
 * so pages that contain the query as written come first: a second, exact search of the whole
 * query picks them out, in the order of the first. */
async function ranked(pf, q, filters) {
  const phrase = q && !/["\s]/.test(q) && /\p{Script=Han}/u.test(q) && [...q].length > 1;
  const [all, exact] = await Promise.all([
    pf.search(q || null, { filters }),
    phrase ? pf.search(`"${q}"`, { filters }) : null,
  ]);
  if (!exact || !exact.results.length) return all.results;
  const ids = new Set(exact.results.map((r) => r.id));
  const first = all.results.filter((r) => ids.has(r.id));
  const seen = new Set(first.map((r) => r.id));
  const missing = exact.results.filter((r) => !seen.has(r.id));
  return [...first, ...missing, ...all.results.filter((r) => !ids.has(r.id))];
}

function removeMore() {
  if (moreButton) moreButton.remove();
  moreButton = null;
}

async function showMore(mine) {
  const batch = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(batch.map((r) => r.data()));
  if (mine !== generation) return;
  let first = null;
  for (const d of data) {
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
      await showMore(mine);
      const next = list.children[before];
      const link = next && next.querySelector("a");
      if (link) link.focus();
    });
    list.after(moreButton);
  }
  return first;
}

function render(d) {
  const meta = d.meta || {};
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.className = "result-title";
  a.href = d.url;
  a.textContent = meta.title || d.url;
  li.appendChild(a);
  const info = [meta.type, meta.doc_no, meta.issuer, meta.date].filter(Boolean);
  if (info.length) {
    const p = document.createElement("p");
    p.className = "doc-meta";
    p.textContent = info.join("　");
    li.appendChild(p);
  }
  if (d.excerpt) {
    const p = document.createElement("p");
    p.className = "excerpt";
    // Pagefind's excerpt is escaped text with <mark> around the matches.
    p.innerHTML = d.excerpt;
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
