// Full-text search of the projects with the Pagefind index published beside
// the site (pagefind/), in shards: pagefind/shards.json names, per language,
// the shards (each a Pagefind bundle of its own) that hold pages in it. The
// first is loaded as Pagefind's primary index and the others merged into it,
// so one search asks every shard of the page's language and no other.
// An enhancement only: until this script has loaded the index, the page
// offers every project by theme and the archive, and it stays that way when
// the index is missing (a build with --no-search).
// Every text shown comes from the page's data-msg-* attributes, which the
// generator fills from its strings table.

const MAX_RESULTS = 50;
// The filters the project pages carry (data-pagefind-filter), in the order shown.
const FILTERS = ["theme", "status", "year", "funder", "programme"];

function message(root, name, values = {}) {
  const text = root.dataset[name] || "";
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

// Pagefind's excerpt is HTML with <mark> around the hits; keep only the text
// and the marks, so nothing from the index is ever parsed as markup.
function excerptParagraph(html) {
  const template = document.createElement("template");
  template.innerHTML = html || "";
  const paragraph = document.createElement("p");
  paragraph.className = "search__excerpt";
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(document.createTextNode(node.textContent));
    }
  }
  return paragraph;
}

function filterMessage(key) {
  return "msgFilter" + key[0].toUpperCase() + key.slice(1);
}

// One group of checkboxes per filter the index holds, each a fieldset with its
// legend, inside the form's folded "narrow the results" part. Checking a box
// searches again; within a filter any checked value matches, across filters all must.
function buildFilters(root, holder, available) {
  const boxes = [];
  const collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
  for (const key of FILTERS) {
    const values = Object.keys(available[key] || {}).sort(collator.compare);
    if (values.length === 0) continue;
    const group = document.createElement("fieldset");
    group.className = "search__filter";
    const legend = document.createElement("legend");
    legend.textContent = message(root, filterMessage(key));
    group.append(legend);
    values.forEach((value, index) => {
      const row = document.createElement("div");
      row.className = "search__option";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = `rajaus-${key}-${index}`;
      box.name = key;
      box.value = value;
      const label = document.createElement("label");
      label.htmlFor = box.id;
      row.append(box, label);
      group.append(row);
      boxes.push({ key, value, box, label });
    });
    holder.append(group);
  }
  return boxes;
}

function showCounts(root, boxes, counts) {
  for (const { key, value, label } of boxes) {
    const count = (counts[key] && counts[key][value]) || 0;
    label.textContent = message(root, "msgFilterValue", { value, count });
  }
}

function chosenFilters(boxes) {
  const chosen = {};
  for (const { key, value, box } of boxes) {
    if (!box.checked) continue;
    (chosen[key] = chosen[key] || { any: [] }).any.push(value);
  }
  return chosen;
}

// The page's language as the index names it: "fi", or "sv" for "sv-FI".
function indexLanguage(languages) {
  const lang = (document.documentElement.lang || "").toLowerCase();
  if (languages[lang]) return lang;
  return languages[lang.split("-")[0]] ? lang.split("-")[0] : null;
}

// Only shards with pages in this language are merged: Pagefind would answer
// from a shard without them in its largest other language.
async function loadShards(bundle) {
  const response = await fetch(new URL("shards.json", bundle), { cache: "no-cache" });
  if (!response.ok) throw new Error(`no search index (${response.status})`);
  const languages = (await response.json()).languages || {};
  const language = indexLanguage(languages);
  if (!language) throw new Error("no search index in this language");
  const [primary, ...others] = languages[language];
  const pagefind = await import(new URL(`${primary}/pagefind.js`, bundle).href);
  await pagefind.options({ excerptLength: 24 });
  await pagefind.init();
  // Paths, like the primary's: each shard's results get their address from it.
  await Promise.all(others.map((shard) =>
    pagefind.mergeIndex(new URL(`${shard}/`, bundle).pathname, { language, excerptLength: 24 })));
  return pagefind;
}

async function start(root) {
  const form = root.querySelector("[data-search-form]");
  const input = form.querySelector("input[type=search]");
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  const noScript = root.querySelector("[data-search-nojs]");
  const filterSet = root.querySelector("[data-search-filters]");

  let pagefind;
  try {
    pagefind = await loadShards(new URL(root.dataset.bundle, document.baseURI));
  } catch (error) {
    // The index is missing (a build with --no-search) or failed to load:
    // say so once, and leave the lists below as the way in.
    noScript.hidden = true;
    status.textContent = message(root, "msgUnavailable");
    return;
  }
  noScript.hidden = true;
  let totals = {};
  try {
    totals = await pagefind.filters();
  } catch (error) {
    totals = {};  // an index without filters: the words alone still search
  }
  const boxes = buildFilters(root, filterSet, totals);
  showCounts(root, boxes, totals);
  filterSet.hidden = boxes.length === 0;
  form.hidden = false;

  let latest = 0;
  async function run(rawQuery) {
    const ticket = ++latest;
    const query = rawQuery.trim();
    const filters = chosenFilters(boxes);
    const filtered = Object.keys(filters).length > 0;
    list.replaceChildren();
    list.hidden = true;
    if (!query && !filtered) {
      showCounts(root, boxes, totals);
      status.textContent = message(root, "msgEmpty");
      return;
    }
    status.textContent = message(root, "msgSearching");
    // No words but a filter: every project the filters let through.
    const search = await pagefind.search(query || null, { filters });
    const results = search ? search.results : [];
    const items = await Promise.all(results.slice(0, MAX_RESULTS).map((result) => result.data()));
    if (ticket !== latest) return;  // a newer search has started
    showCounts(root, boxes, (search && search.filters) || totals);
    for (const item of items) {
      const entry = document.createElement("li");
      const link = document.createElement("a");
      link.href = item.url;
      link.textContent = (item.meta && item.meta.title) || item.url;
      entry.append(link, excerptParagraph(item.excerpt));
      list.append(entry);
    }
    list.hidden = items.length === 0;
    const count = results.length;
    const key = count === 0 ? "None" : count === 1 ? "One" : "Many";
    status.textContent = message(root, (query ? "msg" : "msgFiltered") + key, { count, query });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value.trim();
    // The address keeps the query, so a search can be bookmarked and shared.
    const address = new URL(window.location.href);
    if (query) address.searchParams.set("q", query);
    else address.searchParams.delete("q");
    window.history.replaceState(null, "", address);
    run(query);
  });
  filterSet.addEventListener("change", () => run(input.value));

  const initial = new URL(window.location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}

const searchRoot = document.querySelector("[data-search]");
if (searchRoot) start(searchRoot);
