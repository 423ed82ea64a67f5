// Reading across versions: switching version (Material's selector or the banner link)
// keeps the page and its #anchor, and goes to "not in this version" when the other version
// has no such page; that page lists the versions that have it. Page lists come from each
// version's assets/search/pages.js, loaded as scripts (so this works from file:// too).
(function () {
  "use strict";
  function meta(name) {
    var node = document.querySelector('meta[name="' + name + '"]');
    return node ? node.getAttribute("content") || "" : "";
  }
  var moniker = meta("kb-moniker");
  var here = meta("kb-page");
  var root = meta("kb-root") || "./";
  if (!moniker) return;
  var fromDisk = window.location.protocol === "file:";

  function versionRoot(version) {
    return root + "../" + version + "/";
  }

  function pageHref(version, page) {
    var url = versionRoot(version) + page;
    return fromDisk && (page === "" || /\/$/.test(page)) ? url + "index.html" : url;
  }

  var loaded = new Map();
  function pagesOf(version, done) {
    var all = window.KB_PAGES || {};
    if (all[version]) { done(all[version]); return; }
    var known = loaded.get(version);
    if (!known) {
      known = { waiters: [] };
      loaded.set(version, known);
      var script = document.createElement("script");
      script.src = versionRoot(version) + "assets/search/pages.js";
      script.onload = script.onerror = function () {
        known.done = true;
        var info = (window.KB_PAGES || {})[version] || null;
        known.waiters.splice(0).forEach(function (fn) { fn(info); });
      };
      document.head.appendChild(script);
    }
    if (known.done) done((window.KB_PAGES || {})[version] || null);
    else known.waiters.push(done);
  }

  // Where reading `page` in `version` goes: the page with this #anchor, or the page that
  // says it isn't there.
  function switchTo(version, page) {
    var hash = window.location.hash;
    pagesOf(version, function (info) {
      if (!info || Object.prototype.hasOwnProperty.call(info.pages, page)) {
        window.location.href = pageHref(version, page) + hash;
        return;
      }
      window.location.href = pageHref(version, "not-in-this-version/") + "?page=" +
        encodeURIComponent(page) + "&from=" + encodeURIComponent(moniker) + hash;
    });
  }

  function targetVersion(link) {
    var path = new URL(link.href, window.location.href).pathname.replace(/index\.html$/, "");
    var parts = path.split("/").filter(Boolean);
    return parts.length ? decodeURIComponent(parts[parts.length - 1]) : "";
  }

  // Before Material's own handler: the version selector's links, and the banner's.
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey || event.altKey) return;
    var link = event.target.closest && event.target.closest(".md-version__link, .kb-version-link");
    if (!link) return;
    var version = link.getAttribute("data-kb-version") || targetVersion(link);
    if (!version || version === moniker) return;
    event.preventDefault();
    event.stopPropagation();
    switchTo(version, here);
  }, true);

  // The banner link points at the page; with JavaScript it keeps the #anchor too.
  function keepAnchor() {
    Array.prototype.forEach.call(document.querySelectorAll(".kb-version-link"), function (a) {
      var url = a.getAttribute("href").split("#")[0];
      a.setAttribute("href", url + window.location.hash);
    });
  }
  keepAnchor();
  window.addEventListener("hashchange", keepAnchor);

  // "Not in this version": the versions that have the page.
  var list = document.getElementById("kb-missing-versions");
  var status = document.getElementById("kb-missing-status");
  if (list && status) {
    var params = new URLSearchParams(window.location.search);
    var page = params.get("page") || "";
    var from = params.get("from") || "";
    pagesOf(moniker, function (mine) {
      var versions = mine ? mine.versions : [];
      var found = [];
      var waiting = versions.length;
      if (!waiting) status.textContent = "No version list was found.";
      versions.forEach(function (version, i) {
        pagesOf(version[0], function (info) {
          if (info && Object.prototype.hasOwnProperty.call(info.pages, page)) {
            found[i] = { version: version, title: info.pages[page] };
          }
          if (--waiting) return;
          found = found.filter(Boolean);
          if (!found.length) {
            status.textContent = "No version of this guide has that page.";
            return;
          }
          status.textContent = "“" + found[found.length - 1].title + "” is in " +
            (found.length === 1 ? "this version:" : "these versions:");
          found.forEach(function (hit) {
            var item = document.createElement("li");
            var a = document.createElement("a");
            a.href = pageHref(hit.version[0], page) + window.location.hash;
            a.textContent = hit.version[1];
            item.appendChild(a);
            if (hit.version[0] === from) {
              item.appendChild(document.createTextNode(" (where you came from)"));
            }
            list.appendChild(item);
          });
        });
      });
    });
  }
})();
