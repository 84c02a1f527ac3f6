// Made by projcat: the main collection lists the records, not their language versions.
//
// A language version is `<slug>.<lang>.md` beside its record `<slug>.md`, and Decap 3 can leave no
// file out of a folder collection by its name (the collection's `extension` is matched at the end of
// the name, its `filter` only keeps entries whose field equals a value). So the backend Decap is
// about to make is wrapped: when it lists the main collection (extension `md`), the files named
// like a language version of one of the site's languages (`data-languages`) are left out. The
// language versions' own collections (extension `sv.md`, ...) are listed as Decap lists them.
(function () {
  const languages = (document.currentScript.dataset.languages || "").split(" ").filter(Boolean);
  if (!window.CMS || languages.length === 0) {
    return;
  }
  const languageVersion = new RegExp("\\.(" + languages.join("|") + ")\\.md$");
  const records = (entries) => entries.filter((entry) => !languageVersion.test(entry.file.path));
  // The hosts `site.yaml` may name, and decap-server's proxy for `serve --cms`.
  for (const name of ["github", "gitlab", "gitea", "proxy"]) {
    const registered = window.CMS.getBackend(name);
    if (!registered) {
      continue;
    }
    const init = registered.init;
    registered.init = (...args) => {
      const backend = init(...args);
      const byFolder = backend.entriesByFolder.bind(backend);
      const allByFolder = backend.allEntriesByFolder ? backend.allEntriesByFolder.bind(backend) : null;
      backend.entriesByFolder = async (folder, extension, depth) => {
        if (extension !== "md") {
          return byFolder(folder, extension, depth);
        }
        // All at once where the host pages its lists: a page could not be filtered without leaving
        // gaps, and the whole list is what Decap's search reads anyway.
        return records(await (allByFolder || byFolder)(folder, extension, depth));
      };
      if (allByFolder) {
        backend.allEntriesByFolder = async (folder, extension, ...rest) => {
          const entries = await allByFolder(folder, extension, ...rest);
          return extension === "md" ? records(entries) : entries;
        };
      }
      return backend;
    };
  }
})();
