// Full-text search of the projects with the Pagefind index published beside
// the site (pagefind/). An enhancement only: until this script has loaded
// the index, the page offers every project by theme and the archive, and it
// stays that way when the index is missing (a build with --no-search).
// Every text shown comes from the page's data-msg-* attributes, which the
// generator fills from its strings table.

const MAX_RESULTS = 50;

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

async function start(root) {
  const form = root.querySelector("[data-search-form]");
  const input = form.querySelector("input[type=search]");
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  const noScript = root.querySelector("[data-search-nojs]");

  let pagefind;
  try {
    pagefind = await import(new URL(root.dataset.bundle + "pagefind.js", document.baseURI).href);
    await pagefind.options({ excerptLength: 24 });
    await pagefind.init();
  } catch (error) {
    // The index is missing (a build with --no-search) or failed to load:
    // say so once, and leave the lists below as the way in.
    noScript.hidden = true;
    status.textContent = message(root, "msgUnavailable");
    return;
  }
  noScript.hidden = true;
  form.hidden = false;

  let latest = 0;
  async function run(rawQuery) {
    const ticket = ++latest;
    const query = rawQuery.trim();
    list.replaceChildren();
    list.hidden = true;
    if (!query) {
      status.textContent = message(root, "msgEmpty");
      return;
    }
    status.textContent = message(root, "msgSearching");
    const search = await pagefind.search(query);
    const results = search ? search.results : [];
    const items = await Promise.all(results.slice(0, MAX_RESULTS).map((result) => result.data()));
    if (ticket !== latest) return;  // a newer search has started
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
    const key = count === 0 ? "msgNone" : count === 1 ? "msgOne" : "msgMany";
    status.textContent = message(root, key, { count, query });
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

  const initial = new URL(window.location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}

const searchRoot = document.querySelector("[data-search]");
if (searchRoot) start(searchRoot);
