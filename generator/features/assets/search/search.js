// The site's search box (markup in overrides/main.html): on each keystroke, the error
// lookup's matcher runs on the version's lookup index first (exact, pattern, code and
// similar messages, each linked to its entry and cause), then Pagefind's full-text
// results come below. A misspelt word of 3+ letters is replaced by the nearest word the
// knowledge base uses. The lookup part works from file:// (its index is a script);
// Pagefind needs the site served over HTTP. Nothing found here: the other versions that
// have a match are listed. Text goes into the page with textContent, never as HTML.
(function () {
  "use strict";
  var box = document.querySelector(".kb-search");
  if (!box) return;
  var root = box.getAttribute("data-kb-root") || "./";
  var moniker = box.getAttribute("data-kb-moniker") || "";
  var versionTitle = box.getAttribute("data-kb-version") || "";
  // The first file of this version's lookup index (the build names it: the whole index or
  // the manifest of its pieces); without it, the list of versions says which it is.
  var lookupIndex = box.getAttribute("data-kb-lookup") || "";
  var form = box.querySelector(".kb-search__form");
  var input = box.querySelector(".kb-search__input");
  var panel = box.querySelector(".kb-search__panel");
  var toggle = box.querySelector(".kb-search__toggle");
  var fromDisk = window.location.protocol === "file:";
  var MAX_QUERY = 4000;
  var MAX_ERRORS = 5;
  var MAX_PAGES = 6;
  var ELSEWHERE_AFTER = 500; // ms without typing before other versions are asked
  var PAGEFIND_AFTER = 120; // ms without typing before the full-text search runs
  var KINDS = { exact: "exact message", pattern: "message", code: "error code",
    fuzzy: "similar message", phrase: "words of the message" };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(text, url, className) {
    var a = element("a", className, text);
    a.setAttribute("href", url);
    return a;
  }

  function pageUrl(base, topic, anchor) {
    return base + topic + (fromDisk ? "/index.html" : "/") + (anchor ? "#" + anchor : "");
  }

  // Scripts, each loaded once.
  var scripts = new Map();
  function loadScript(url, done) {
    var known = scripts.get(url);
    if (known) {
      if (known.state) done(known.state === "ok"); else known.waiters.push(done);
      return;
    }
    known = { state: "", waiters: [done] };
    scripts.set(url, known);
    var script = document.createElement("script");
    script.src = url;
    script.onload = function () { finish("ok"); };
    script.onerror = function () { finish("failed"); };
    function finish(state) {
      known.state = state;
      known.waiters.splice(0).forEach(function (fn) { fn(state === "ok"); });
    }
    document.head.appendChild(script);
  }

  // Scripts asked for side by side; `done(ok)` once each has loaded or failed. (Each only
  // defines what the others call later: the order they run in does not matter.)
  function loadAll(urls, done) {
    var left = urls.length, good = true;
    urls.forEach(function (url) {
      loadScript(url, function (ok) {
        good = good && ok;
        if (--left === 0) done(good);
      });
    });
  }

  // The lookup index of this version, loaded on first use.
  var lookup = { state: "idle", source: null, speller: null, versions: null, waiters: [] };
  function withLookup(done) {
    if (lookup.state === "ready" || lookup.state === "failed") { done(); return; }
    lookup.waiters.push(done);
    if (lookup.state === "loading") return;
    lookup.state = "loading";
    var base = root + "assets/lookup/";
    // The matcher's scripts, the index's first file and the list of versions are asked for
    // at once (the index's file once the list says which it is, where the page does not):
    // a reader far from the site waits for one round trip, not one after the other.
    var left = 2, good = true;
    function arrived(ok) {
      good = good && ok;
      if (--left > 0) return;
      var source = good && window.KBLookupIndex && window.KBLookupIndex.open(base, moniker);
      if (!source) { ready("failed"); return; }
      lookup.source = source;
      lookup.speller = new window.KBLookupIndex.Speller(source.vocabulary);
      ready("ready");
    }
    var named = /^[\w.\/-]+\.js$/.test(lookupIndex) && lookupIndex.indexOf("..") < 0;
    loadAll([base + "lookup.js", base + "loader.js"].concat(named ? [base + lookupIndex] : []),
      arrived);
    loadScript(base + "versions.js", function (ok) {
      var versions = window.KB_LOOKUP_VERSIONS;
      if (!ok || !versions) { arrived(false); return; }
      lookup.versions = versions;
      if (named) { arrived(true); return; }
      loadScript(base + (versions.split ? "pieces/manifest.js" : "lookup-index.js"), arrived);
    });
    function ready(state) {
      lookup.state = state;
      lookup.waiters.splice(0).forEach(function (fn) { fn(); });
    }
  }

  // Pagefind, loaded on first use (a module: not from file://).
  var pagefind = { state: "idle", api: null, waiters: [] };
  function withPagefind(done) {
    if (pagefind.state === "ready" || pagefind.state === "failed") { done(); return; }
    pagefind.waiters.push(done);
    if (pagefind.state === "loading") return;
    pagefind.state = "loading";
    function ready(state, api) {
      pagefind.state = state;
      pagefind.api = api || null;
      pagefind.waiters.splice(0).forEach(function (fn) { fn(); });
    }
    if (fromDisk) { ready("failed"); return; }
    var url = new URL(root + "pagefind/pagefind.js", window.location.href);
    import(url.href).then(function (api) {
      return api.options({ baseUrl: new URL(root, window.location.href).pathname,
        excerptLength: 24 }).then(function () { return api.init(); }).then(function () {
        ready("ready", api);
      });
    }).catch(function () { ready("failed"); });
  }

  // What the panel shows for the query being typed; each part fills in when it is known.
  var sequence = 0;
  var current = null;
  var elsewhereTimer = 0;

  function section(className, title) {
    var part = element("section", "kb-search__section " + className);
    part.appendChild(element("h2", "kb-search__heading", title));
    var list = element("ol", "kb-search__list");
    part.appendChild(list);
    part.hidden = true;
    return { node: part, list: list };
  }

  // The panel's parts are made once; each keystroke's results replace a part's content
  // only when they differ from what it shows (typing a long message changes little, and
  // every repaint of the panel costs a frame on slow machines).
  var dom = null;
  function parts() {
    if (dom) return dom;
    dom = {
      errors: section("kb-search__errors", "Error messages"),
      pages: section("kb-search__pages", "Pages"),
      status: element("p", "kb-search__status"),
      elsewhere: element("p", "kb-search__elsewhere"),
      note: element("p", "kb-search__note"),
      shown: { errors: "", pages: "" },
    };
    dom.status.setAttribute("role", "status");
    dom.elsewhere.hidden = true;
    dom.note.hidden = true;
    panel.appendChild(dom.errors.node);
    panel.appendChild(dom.pages.node);
    panel.appendChild(dom.status);
    panel.appendChild(dom.elsewhere);
    panel.appendChild(dom.note);
    return dom;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
    node.hidden = !text;
  }

  function render(query) {
    var d = parts();
    var view = {
      query: query,
      number: ++sequence,
      status: d.status,
      errors: d.errors,
      pages: d.pages,
      elsewhere: d.elsewhere,
      note: d.note,
      errorsDone: false,
      pagesDone: false,
      found: 0,
      errorCount: 0,
      pageCount: 0,
    };
    if (!d.elsewhere.hidden) {
      d.elsewhere.textContent = "";
      d.elsewhere.hidden = true;
    }
    current = view;
    return view;
  }

  function showErrors(view, found, changed) {
    if (view !== current) return;
    var signature = found.results.map(function (r) {
      return r.kind + " " + r.topic + "#" + r.entry + (r.cause ? "#" + r.cause.id : "");
    }).join("|");
    if (signature !== dom.shown.errors) {
      dom.shown.errors = signature;
      view.errors.list.textContent = "";
      found.results.forEach(function (result) {
        var item = element("li", "kb-search__item kb-search__item--error");
        var title = link(result.title, pageUrl(root, result.topic, result.entry),
          "kb-search__link");
        item.appendChild(title);
        item.appendChild(element("span", "kb-search__kind", KINDS[result.kind] || result.kind));
        if (result.cause) {
          var cause = element("p", "kb-search__cause", "Likely cause: ");
          cause.appendChild(link(result.cause.title,
            pageUrl(root, result.topic, result.cause.id), "kb-search__cause-link"));
          item.appendChild(cause);
        }
        view.errors.list.appendChild(item);
      });
      view.errors.node.hidden = !found.results.length;
    }
    view.found += found.results.length;
    view.errorCount = found.results.length;
    setText(view.note, changed.length ? "Also tried: " + changed.map(function (pair) {
      return pair[0] + " → " + pair[1];
    }).join(", ") + "." : "");
    view.errorsDone = true;
    settle(view);
  }

  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };
  function unescapeHtml(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, name) {
      if (name[0] === "#") {
        var code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16)
          : parseInt(name.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, name.toLowerCase())
        ? ENTITIES[name.toLowerCase()] : all;
    });
  }

  function excerpt(html) {
    // Pagefind's excerpt: escaped text with <mark> around the words found.
    var out = element("p", "kb-search__excerpt");
    String(html).split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var text = unescapeHtml(part);
      if (text) out.appendChild(marked ? element("mark", null, text) : document.createTextNode(text));
      return marked;
    }, false);
    return out;
  }

  function bestSections(data) {
    var subs = (data.sub_results || []).slice();
    subs.forEach(function (sub, i) {
      sub.rank = (sub.weighted_locations || []).reduce(function (sum, l) {
        return sum + (l.balanced_score || l.weight || 1);
      }, 0);
      sub.order = i;
    });
    subs.sort(function (a, b) { return b.rank - a.rank || a.order - b.order; });
    return subs.slice(0, 2);
  }

  function localUrl(url) {
    // Pagefind's URLs are absolute paths on this server; from the page they stay so.
    return url;
  }

  function showPages(view, datas) {
    if (view !== current) return;
    var signature = datas.map(function (data) {
      return data.url + " " + bestSections(data).map(function (s) { return s.url; }).join(" ") +
        " " + data.excerpt;
    }).join("|");
    view.found += datas.length;
    view.pageCount = datas.length;
    view.pagesDone = true;
    if (signature === dom.shown.pages) {
      settle(view);
      return;
    }
    dom.shown.pages = signature;
    view.pages.list.textContent = "";
    datas.forEach(function (data) {
      var item = element("li", "kb-search__item kb-search__item--page");
      var sections = bestSections(data);
      var pageTitle = (data.meta && data.meta.title) || data.url;
      if (sections.length && sections[0].url !== data.url) {
        item.appendChild(link(sections[0].title, localUrl(sections[0].url), "kb-search__link"));
        item.appendChild(element("span", "kb-search__kind", pageTitle));
        item.appendChild(excerpt(sections[0].excerpt));
      } else {
        item.appendChild(link(pageTitle, localUrl(data.url), "kb-search__link"));
        item.appendChild(excerpt(data.excerpt));
      }
      view.pages.list.appendChild(item);
    });
    view.pages.node.hidden = !datas.length;
    settle(view);
  }

  function settle(view) {
    if (view !== current) return;
    var waiting = !view.errorsDone || !view.pagesDone;
    // No error message of this version matches: ask the other versions, once typing stops.
    if (view.errorsDone && !view.errorCount && !view.elsewhereAsked) {
      view.elsewhereAsked = true;
      clearTimeout(elsewhereTimer);
      elsewhereTimer = setTimeout(function () { showElsewhere(view); }, ELSEWHERE_AFTER);
    }
    if (!view.errorsDone) return;
    var text = "";
    if (!view.found && !waiting) {
      text = "Nothing found for “" + view.query + "” in " + versionTitle + ".";
      if (pagefind.state === "failed" && fromDisk) {
        text += " Full-text search needs the site served over HTTP;" +
          " error messages and codes are still looked up.";
      }
    }
    // Parts still showing the results of an earlier query: empty them once this one
    // has answered without any.
    if (!view.errorCount && dom.shown.errors) {
      dom.shown.errors = "";
      view.errors.list.textContent = "";
      view.errors.node.hidden = true;
    }
    if (view.pagesDone && !view.pageCount && dom.shown.pages) {
      dom.shown.pages = "";
      view.pages.list.textContent = "";
      view.pages.node.hidden = true;
    }
    setText(view.status, text);
  }

  function showElsewhere(view) {
    if (view !== current || !lookup.versions || !window.KBLookupIndex) return;
    view.elsewhere.textContent = "Looking in the other versions…";
    view.elsewhere.hidden = false;
    window.KBLookupIndex.elsewhere(root, moniker, lookup.versions.versions, view.query,
      function (found) {
        if (view !== current) return;
        view.elsewhere.textContent = "";
        if (!found.length) {
          view.elsewhere.textContent = view.found ? ""
            : "No other version has a matching error message either.";
          view.elsewhere.hidden = !view.found ? false : true;
          return;
        }
        view.elsewhere.appendChild(document.createTextNode(
          "Error messages found in other versions: "));
        found.forEach(function (hit, i) {
          if (i) view.elsewhere.appendChild(document.createTextNode(", "));
          view.elsewhere.appendChild(link(hit.title + " (" + hit.result.title + ")",
            pageUrl(root + "../" + hit.moniker + "/", hit.result.topic, hit.result.entry),
            "kb-search__elsewhere-link"));
        });
        view.elsewhere.appendChild(document.createTextNode("."));
      }, function (source, text) {
        return new window.KBLookupIndex.Speller(source.vocabulary).correct(text).text;
      });
  }

  // A few typed words that a message holds as they are ("body must contain") find that
  // message's entry before the matcher's near misses.
  var PLACEHOLDERS = /[\ue000-\uf8ff]/g;
  function phraseWords(text) {
    return (String(text).replace(PLACEHOLDERS, " | ").toLowerCase()
      .match(/[a-z0-9_]+|\|/g) || []);
  }
  function withPhrases(index, query, results) {
    var words = phraseWords(query);
    if (words.length < 2 || words.length > 8 || words.indexOf("|") >= 0) return results;
    if (results.some(function (r) { return r.kind !== "fuzzy"; })) return results;
    var needle = " " + words.join(" ") + " ";
    var seen = new Set();
    var phrased = [];
    index.patterns.forEach(function (pattern) {
      var entry = index.entries[pattern[0]];
      if (!entry || !entry[1] || seen.has(entry[1])) return;
      if ((" " + phraseWords(pattern[1]).join(" ") + " ").indexOf(needle) < 0) return;
      seen.add(entry[1]);
      var causes = entry[3];
      var cause = pattern[6] >= 0 ? causes[pattern[6]] : causes[0];
      phrased.push({ entry: entry[1], title: entry[2], topic: index.topics[entry[0]],
        kind: "phrase", cause: cause ? { id: cause[0], title: cause[1] } : null });
    });
    if (!phrased.length) return results;
    return phrased.concat(results.filter(function (r) { return !seen.has(r.entry); }))
      .slice(0, MAX_ERRORS);
  }

  function search() {
    searchFor(PAGEFIND_AFTER);
  }

  // `pause`: how long full-text search waits for the next keystroke (ms).
  function searchFor(pause) {
    var query = input.value.slice(0, MAX_QUERY).trim();
    clearTimeout(elsewhereTimer);
    if (!query) {
      current = null;
      panel.hidden = true;
      input.setAttribute("aria-expanded", "false");
      return;
    }
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
    var view = render(query);
    withLookup(function () {
      if (view !== current) return;
      if (lookup.state !== "ready") {
        view.errorsDone = true;
        settle(view);
        return;
      }
      var corrected = lookup.speller.correct(query);
      view.corrected = corrected.text;
      lookup.source.matcherFor(corrected.text, function (matcher) {
        var found = matcher.lookup(corrected.text, MAX_ERRORS);
        found.results = withPhrases(matcher.index, corrected.text, found.results);
        showErrors(view, found, corrected.changed);
      });
      // Full text after a pause in typing: Pagefind's work would delay the next keystroke's
      // paint, the error matcher's would not.
      clearTimeout(pagefindTimer);
      pagefindTimer = setTimeout(function () { runPagefind(view); }, pause);
    });
  }

  // One Pagefind search at a time: while one runs, only the latest query waits.
  var pagefindTimer = null;
  var pagefindBusy = false;
  var pagefindNext = null;
  function runPagefind(view) {
    withPagefind(function () {
      if (view !== current) return;
      if (pagefind.state !== "ready") {
        view.pagesDone = true;
        settle(view);
        return;
      }
      if (pagefindBusy) {
        pagefindNext = view;
        return;
      }
      pagefindBusy = true;
      function done() {
        pagefindBusy = false;
        var next = pagefindNext;
        pagefindNext = null;
        if (next && next === current) runPagefind(next);
      }
      pagefind.api.search(view.corrected || view.query).then(function (found) {
        if (view !== current || !found) return null;
        return Promise.all(found.results.slice(0, MAX_PAGES).map(function (r) {
          return r.data();
        })).then(function (datas) { showPages(view, datas); });
      }).catch(function () {
        view.pagesDone = true;
        settle(view);
      }).then(done);
    });
  }

  // The box's links once `ready(view)` holds for the query's view: null if another query
  // took its place first.
  function linksOnce(view, ready) {
    return new Promise(function (resolve) {
      (function wait() {
        if (view !== current) { resolve(null); return; }
        if (ready(view)) {
          resolve(Array.prototype.map.call(panel.querySelectorAll("a.kb-search__link"),
            function (a) { return a.href; }));
          return;
        }
        setTimeout(wait, 5);
      })();
    });
  }

  // For tests and benchmarks: the same code path as typing.
  window.KBSearch = {
    // The results the box shows for `query`, in order, once every part has answered
    // (without the pause for the next keystroke: the query is whole).
    run: function (query) {
      input.value = query;
      searchFor(0);
      return linksOnce(current, function (view) { return view.errorsDone && view.pagesDone; });
    },
    // The box's first result for `query`, as soon as no later answer can change it: the
    // error messages are listed above the pages, so a first error message is final; with
    // none, the first page. The full-text search waits for the pause in typing, as for a
    // keystroke, and the next query cancels it if an error message answered this one.
    first: function (query) {
      input.value = query;
      searchFor(PAGEFIND_AFTER);
      return linksOnce(current, function (view) {
        return view.errorsDone && (view.errorCount > 0 || view.pagesDone);
      }).then(function (links) { return links === null ? null : links[0] || ""; });
    },
  };

  input.addEventListener("input", search);
  input.addEventListener("focus", function () {
    withLookup(function () {});
    withPagefind(function () {});
    if (input.value.trim() && panel.hidden) search();
  });
  form.addEventListener("submit", function (event) {
    var first = panel.querySelector("a.kb-search__link");
    if (first) {
      event.preventDefault();
      window.location.href = first.href;
    }
    // Else the form goes to the "paste your error" page, which runs the text (?q=).
  });
  toggle.addEventListener("click", function () {
    var open = !box.classList.contains("kb-search--open");
    box.classList.toggle("kb-search--open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) input.focus();
  });

  function links() {
    return Array.prototype.slice.call(panel.querySelectorAll("a"));
  }

  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      panel.hidden = true;
      box.classList.remove("kb-search--open");
      toggle.setAttribute("aria-expanded", "false");
      input.blur();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var all = links();
    if (!all.length) return;
    event.preventDefault();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown") at = at < all.length - 1 ? at + 1 : 0;
    else at = at > 0 ? at - 1 : (at === 0 ? -1 : all.length - 1);
    if (at < 0) input.focus(); else all[at].focus();
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable ||
      /^(input|textarea|select)$/i.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.classList.add("kb-search--open");
      input.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (!box.contains(event.target)) {
      panel.hidden = true;
      box.classList.remove("kb-search--open");
    }
  });
})();
