// The preview's plugin for livereload.js, inlined into every page the preview serves.
//
// livereload.js asks each plugin's `reload(path, options)` first and does its own
// reload only when none returns true. The server asks for a page reload with
// liveCSS and liveImg both false; this plugin claims exactly those. It fetches
// the page again and, when the new version can replace the old one in place,
// swaps the body and the head's plain elements (title, meta), which shows the
// change sooner than a full reload and keeps the scroll position and focus.
// Anything else, or any failure, falls back to `location.reload()`, as
// livereload.js would have done.
//
// The script tag carries the page's build token (`data-projcat-token`); the
// plugin's `version` is what livereload.js sends to the server on connecting,
// so the server can tell a page that missed a rebuild. The two upper-case
// names in the code are filled in by `projcat.preview.serving` from its own constants.
(function () {
  "use strict";
  var CLIENT_PATH = PROJCAT_CLIENT_PATH;
  var own = document.currentScript;
  var Plugin = (window.LiveReloadPluginProjcat = function () {
    this.latest = 0;
  });
  Plugin.identifier = PROJCAT_PLUGIN_ID;
  Plugin.version = own.getAttribute("data-projcat-token");

  function isReloadScript(element) {
    if (element.hasAttribute("data-projcat-token")) return true;
    var src = element.getAttribute("src");
    return src !== null && new URL(src, location.href).pathname === CLIENT_PATH;
  }

  // Scripts cannot be carried over: one moved into the page does not run again,
  // and one that ran keeps state about the old body. Such pages reload fully.
  function hasOwnScripts(doc) {
    var scripts = doc.querySelectorAll("script, noscript");
    for (var i = 0; i < scripts.length; i++) {
      if (scripts[i].tagName !== "SCRIPT" || !isReloadScript(scripts[i])) return true;
    }
    return false;
  }

  // What the page loads and runs: these must be the same for a swap to equal a reload.
  function isFixed(element) {
    var tag = element.tagName;
    if (tag === "SCRIPT" || tag === "STYLE" || tag === "BASE" || tag === "NOSCRIPT") return true;
    return tag === "LINK" && /(^|\s)stylesheet(\s|$)/i.test(element.getAttribute("rel") || "");
  }

  function fixedHead(doc) {
    var parts = [];
    var children = doc.head.children;
    for (var i = 0; i < children.length; i++) {
      var element = children[i];
      if (isFixed(element) && !(element.tagName === "SCRIPT" && isReloadScript(element))) {
        parts.push(element.outerHTML);
      }
    }
    return parts.join("\n");
  }

  function attributes(element) {
    var parts = [];
    for (var i = 0; i < element.attributes.length; i++) {
      parts.push(element.attributes[i].name + "=" + element.attributes[i].value);
    }
    return parts.sort().join("\n");
  }

  // Where focus is, findable again in the new body: by id, else by position and kind.
  function focusPlace() {
    var element = document.activeElement;
    if (!element || element === document.body || !document.body.contains(element)) return null;
    if (element.id) return { id: element.id };
    var path = [];
    for (var node = element; node !== document.body; node = node.parentElement) {
      path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
    }
    return { path: path, tag: element.tagName, href: element.getAttribute("href") };
  }

  function restoreFocus(place) {
    if (place === null) return;
    var element = null;
    if (place.id) {
      element = document.getElementById(place.id);
    } else {
      element = document.body;
      for (var i = 0; i < place.path.length && element; i++) element = element.children[place.path[i]];
      if (element && (element.tagName !== place.tag || element.getAttribute("href") !== place.href)) element = null;
    }
    if (element && typeof element.focus === "function") element.focus({ preventScroll: true });
  }

  function swap(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var marker = next.querySelector("script[data-projcat-token]");
    if (!next.head || !next.body || marker === null) return false;
    if (hasOwnScripts(document) || hasOwnScripts(next)) return false;
    if (fixedHead(document) !== fixedHead(next)) return false;
    if (attributes(document.documentElement) !== attributes(next.documentElement)) return false;

    var place = focusPlace();
    var x = window.scrollX;
    var y = window.scrollY;
    var head = document.head;
    var old = Array.prototype.slice.call(head.children);
    for (var i = 0; i < old.length; i++) {
      if (!isFixed(old[i])) head.removeChild(old[i]);
    }
    var anchor = head.firstElementChild;
    var fresh = Array.prototype.slice.call(next.head.children);
    for (var j = 0; j < fresh.length; j++) {
      if (!isFixed(fresh[j])) head.insertBefore(document.adoptNode(fresh[j]), anchor);
    }
    document.documentElement.replaceChild(document.adoptNode(next.body), document.body);
    Plugin.version = marker.getAttribute("data-projcat-token");
    window.scrollTo(x, y);
    restoreFocus(place);
    return true;
  }

  Plugin.prototype.reload = function (path, options) {
    if (options.liveCSS !== false || options.liveImg !== false) return false;
    if (!window.fetch || !window.DOMParser) return false;
    var ticket = ++this.latest;
    var self = this;
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("text/html") !== 0) throw new Error("not the same page");
        return response.text();
      })
      .then(function (html) {
        // A later reload request supersedes this one.
        if (ticket === self.latest && !swap(html)) location.reload();
      })
      .catch(function () {
        if (ticket === self.latest) location.reload();
      });
    return true;
  };
})();
