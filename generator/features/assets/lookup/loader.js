// The lookup index of a version, loaded whole or in pieces, for the "paste your error" page
// and the search box. Past a size threshold the build splits the index (see
// generator/features/lookup/pieces.py): for a query, this loads the pieces of the query's
// words, then the pages of the patterns they name, and builds a smaller index that the
// matcher (lookup.js, through its Matcher API) ranks exactly as the whole one. Pieces are
// scripts, not fetched JSON, so pages work from file:// too.
// Also: the words of the index, to correct a misspelt query word (words of 3+ letters).
(function (root) {
  "use strict";

  var P_ANY = "\ue010", P_QUOTED = "\ue015", MASK = "\ue005";
  var TYPED = { "\ue011": "\ue001", "\ue012": "\ue002", "\ue013": "\ue003", "\ue014": "\ue004" };

  function hash(word) {
    var value = 0x811c9dc5;
    for (var i = 0; i < word.length; i++) {
      value ^= word.charCodeAt(i);
      value = Math.imul(value, 0x01000193) >>> 0;
    }
    return value;
  }

  function letterWords(text) {
    return (String(text).toLowerCase().match(/[a-z]+/g) || []);
  }

  function vocabularyOf(index) {
    var found = new Set();
    function add(text) {
      letterWords(text).forEach(function (w) { if (w.length >= 3) found.add(w); });
    }
    index.patterns.forEach(function (p) { add(p[1]); });
    index.entries.forEach(function (e) {
      add(e[2]);
      e[3].forEach(function (c) { add(c[1]); });
    });
    return Array.from(found).sort();
  }

  // The words the matcher looks anything up by, for every line of `text`.
  function keysOf(text) {
    var lookup = root.KBLookup;
    var keys = new Set();
    lookup.splitLines(text).forEach(function (line) {
      var normal = lookup.normaliseLine(line);
      lookup.tokens(normal.text).forEach(function (t) { keys.add(t); });
      normal.rawWords.forEach(function (w) { keys.add(w); });
    });
    return keys;
  }

  // Loads scripts once each; `done` runs when all of `urls` have loaded (or failed).
  var requested = new Map();
  function loadScripts(urls, done) {
    var waiting = urls.length;
    if (!waiting) { done(); return; }
    function one() { if (--waiting === 0) done(); }
    urls.forEach(function (url) {
      var known = requested.get(url);
      if (known) {
        if (known.loaded) one(); else known.waiters.push(one);
        return;
      }
      known = { loaded: false, waiters: [one] };
      requested.set(url, known);
      var script = document.createElement("script");
      script.src = url;
      script.async = true;
      function finish() {
        known.loaded = true;
        known.waiters.splice(0).forEach(function (fn) { fn(); });
      }
      script.onload = finish;
      script.onerror = finish;
      document.head.appendChild(script);
    });
  }

  // The index loaded whole (lookup-index.js sets window.KB_LOOKUP_INDEX).
  function Whole(index) {
    this.matcher = new root.KBLookup.Matcher(index);
    this.vocabulary = vocabularyOf(index);
    this.title = index.title;
    this.moniker = index.moniker;
  }
  Whole.prototype.matcherFor = function (text, done) { done(this.matcher); };
  Whole.prototype.ready = function (text) { return true; };

  // The index in pieces (pieces/manifest.js sets window.KB_LOOKUP_PIECES).
  function Pieces(manifest, base) {
    this.manifest = manifest;
    this.base = base;
    this.vocabulary = manifest.vocabulary;
    this.noPiece = new Set(manifest.no_piece);
    this.title = manifest.index.title;
    this.moniker = manifest.index.moniker;
    this.words = new Map();
    this.patterns = new Map();
    this.entries = new Map();
    this.wordPieces = new Set();
    this.pages = new Set();
    this.last = null;
  }

  // Loaded pieces, by "moniker/name".
  Pieces.prototype.store = function () {
    root.KB_LOOKUP_PIECE = root.KB_LOOKUP_PIECE || {};
    var all = root.KB_LOOKUP_PIECE;
    var prefix = this.moniker + "/";
    return {
      has: function (name) { return Object.prototype.hasOwnProperty.call(all, prefix + name); },
      get: function (name) { return all[prefix + name]; },
    };
  };

  Pieces.prototype.url = function (kind, number) {
    return this.base + "pieces/" + kind + String(number).padStart(3, "0") + ".js";
  };

  Pieces.prototype.wordPiecesFor = function (keys) {
    var need = new Set();
    var noPiece = this.noPiece;
    var count = this.manifest.words;
    keys.forEach(function (key) {
      if (!noPiece.has(key)) need.add(hash(key) % count);
    });
    return need;
  };

  Pieces.prototype.takeWords = function (numbers) {
    var store = this.store();
    var self = this;
    numbers.forEach(function (n) {
      if (self.wordPieces.has(n) || !store.has("w" + n)) return;
      self.wordPieces.add(n);
      var piece = store.get("w" + n);
      Object.keys(piece.words).forEach(function (w) { self.words.set(w, piece.words[w]); });
      Object.keys(piece.entries).forEach(function (e) {
        self.entries.set(Number(e), piece.entries[e]);
      });
    });
  };

  // Patterns the matcher may use for `keys`: those anchored by a key, and those sharing
  // two or more words with the query that are not common (the fuzzy step wants two).
  Pieces.prototype.patternsFor = function (keys) {
    var wanted = new Set(this.manifest.always);
    var shared = new Map();
    var self = this;
    keys.forEach(function (key) {
      var word = self.words.get(key);
      if (!word) return;
      word[1].forEach(function (n) { wanted.add(n); });
      if (word[0]) {
        word[0].forEach(function (n) { shared.set(n, (shared.get(n) || 0) + 1); });
      }
    });
    shared.forEach(function (count, n) { if (count >= 2) wanted.add(n); });
    return wanted;
  };

  Pieces.prototype.pageOf = function (n) {
    var starts = this.manifest.pages;
    var lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= n) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  Pieces.prototype.takePages = function (numbers) {
    var store = this.store();
    var self = this;
    numbers.forEach(function (n) {
      if (self.pages.has(n) || !store.has("p" + n)) return;
      self.pages.add(n);
      var page = store.get("p" + n);
      page.patterns.forEach(function (p, i) { self.patterns.set(page.first + i, p); });
      Object.keys(page.entries).forEach(function (e) {
        self.entries.set(Number(e), page.entries[e]);
      });
    });
  };

  // The smaller index for `keys`, once its pieces are in.
  Pieces.prototype.subIndex = function (keys, wanted) {
    var manifest = this.manifest;
    var self = this;
    var numbers = Array.from(wanted).sort(function (a, b) { return a - b; });
    var entrySet = new Set();
    numbers.forEach(function (n) { entrySet.add(self.patterns.get(n)[0]); });
    var codes = [];
    keys.forEach(function (key) {
      var word = self.words.get(key);
      if (word) word[2].forEach(function (pair) { codes.push(pair); entrySet.add(pair[1]); });
    });
    var entryNumbers = Array.from(entrySet).sort(function (a, b) { return a - b; });
    var renumber = new Map();
    entryNumbers.forEach(function (e, i) { renumber.set(e, i); });
    var patterns = numbers.map(function (n) {
      var p = self.patterns.get(n).slice();
      p[0] = renumber.get(p[0]);
      return p;
    });
    codes.sort(function (a, b) {
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
    });
    var seen = new Set();
    var out = [];
    codes.forEach(function (pair) {
      var k = pair[0] + "\u0001" + pair[1];
      if (!seen.has(k)) { seen.add(k); out.push([pair[0], renumber.get(pair[1])]); }
    });
    var index = {};
    Object.keys(manifest.index).forEach(function (k) { index[k] = manifest.index[k]; });
    index.entries = entryNumbers.map(function (e) { return self.entries.get(e); });
    index.patterns = patterns;
    index.codes = out;
    return index;
  };

  // Everything is in for `text`: the matcher can run now, with no script to wait for.
  Pieces.prototype.ready = function (text) {
    var keys = keysOf(text);
    var self = this;
    var missing = false;
    this.wordPiecesFor(keys).forEach(function (n) { if (!self.wordPieces.has(n)) missing = true; });
    if (missing) return false;
    this.patternsFor(keys).forEach(function (n) {
      if (!self.pages.has(self.pageOf(n))) missing = true;
    });
    return !missing;
  };

  // Bytes of the pieces in `numbers` of `kind` not loaded yet.
  Pieces.prototype.cost = function (kind, numbers) {
    var sizes = (this.manifest.sizes || {})[kind] || [];
    var store = this.store();
    var total = 0;
    numbers.forEach(function (n) { if (!store.has(kind + n)) total += sizes[n] || 0; });
    return total;
  };

  // The whole index (lookup-index.js), for texts that need more than it weighs.
  Pieces.prototype.wholeIndex = function (done) {
    var self = this;
    if (this.whole) { done(this.whole); return; }
    var mine = root.KB_LOOKUP_INDEX;
    loadScripts([this.base + "lookup-index.js"], function () {
      var index = root.KB_LOOKUP_INDEX;
      if (mine !== undefined) root.KB_LOOKUP_INDEX = mine;
      if (index && index.moniker === self.moniker) {
        self.whole = new root.KBLookup.Matcher(index);
        done(self.whole);
      } else {
        self.everything(done);
      }
    });
  };

  // `keys` (optional): keysOf(text), when it was worked out already (off the main thread).
  Pieces.prototype.matcherFor = function (text, done, keys) {
    if (this.whole) { done(this.whole); return; }
    keys = keys || keysOf(text);
    var self = this;
    var words = this.wordPiecesFor(keys);
    var wordUrls = [];
    var store = this.store();
    var whole = (this.manifest.sizes || {}).whole || Infinity;
    if (this.cost("w", words) > whole / 2) { this.wholeIndex(done); return; }
    words.forEach(function (n) { if (!store.has("w" + n)) wordUrls.push(self.url("w", n)); });
    loadScripts(wordUrls, function () {
      self.takeWords(words);
      var wanted = self.patternsFor(keys);
      var pages = new Set();
      wanted.forEach(function (n) { pages.add(self.pageOf(n)); });
      if (self.cost("p", pages) > whole / 2) { self.wholeIndex(done); return; }
      var pageUrls = [];
      pages.forEach(function (n) { if (!store.has("p" + n)) pageUrls.push(self.url("p", n)); });
      loadScripts(pageUrls, function () {
        self.takePages(pages);
        var key = Array.from(keys).sort().join("\u0001");
        if (self.last && self.last.key === key) { done(self.last.matcher); return; }
        var index = self.subIndex(keys, wanted);
        var matcher = new root.KBLookup.Matcher(index);
        self.last = { key: key, matcher: matcher };
        done(matcher);
      });
    });
  };

  // Rarely: a query that needs nearly every pattern gets the whole index.
  Pieces.prototype.everything = function (done) {
    var self = this;
    if (this.whole) { done(this.whole); return; }
    var urls = [];
    var store = this.store();
    for (var w = 0; w < this.manifest.words; w++) if (!store.has("w" + w)) urls.push(this.url("w", w));
    for (var p = 0; p < this.manifest.pages.length; p++) {
      if (!store.has("p" + p)) urls.push(this.url("p", p));
    }
    loadScripts(urls, function () {
      var all = new Set();
      for (var w = 0; w < self.manifest.words; w++) all.add(w);
      self.takeWords(all);
      var pages = new Set();
      for (var p = 0; p < self.manifest.pages.length; p++) pages.add(p);
      self.takePages(pages);
      var entries = [];
      self.entries.forEach(function (value, key) { entries[key] = value; });
      var patterns = [];
      self.patterns.forEach(function (value, key) { patterns[key] = value; });
      var codes = [];
      var seen = new Set();
      self.words.forEach(function (word) {
        word[2].forEach(function (pair) {
          var k = pair[0] + "\u0001" + pair[1];
          if (!seen.has(k)) { seen.add(k); codes.push(pair); }
        });
      });
      codes.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]; });
      var index = {};
      Object.keys(self.manifest.index).forEach(function (k) { index[k] = self.manifest.index[k]; });
      index.entries = entries;
      index.patterns = patterns;
      index.codes = codes;
      self.whole = new root.KBLookup.Matcher(index);
      done(self.whole);
    });
  };

  // The index of version `moniker`, whose assets/lookup/ folder is `base`: whole when its
  // lookup-index.js was loaded, else from its pieces. Null when neither is there.
  function open(base, moniker) {
    var all = root.KB_LOOKUP_PIECES || {};
    if (Object.prototype.hasOwnProperty.call(all, moniker)) return new Pieces(all[moniker], base);
    var whole = root.KB_LOOKUP_INDEX;
    if (whole && whole.moniker === moniker) return new Whole(whole);
    return null;
  }

  // Another version's index, loaded by script tags (one version at a time: a whole index
  // sets the same global as this page's own).
  var queue = Promise.resolve();
  function openOther(base, moniker, done) {
    queue = queue.then(function () {
      return new Promise(function (resolve) {
        var known = open(base, moniker);
        if (known) { done(known); resolve(); return; }
        loadScripts([base + "pieces/manifest.js"], function () {
          var found = open(base, moniker);
          if (found) { done(found); resolve(); return; }
          var mine = root.KB_LOOKUP_INDEX;
          loadScripts([base + "lookup-index.js"], function () {
            found = open(base, moniker);
            root.KB_LOOKUP_INDEX = mine;
            done(found);
            resolve();
          });
        });
      });
    });
  }

  // The versions other than `current` in which `text` finds an entry: done([{moniker,
  // title, result}]) in the order of `versions` ([[moniker, title], ...]). `rootUrl` is
  // the current version's root; `correct` (optional) respells the text per version.
  function elsewhere(rootUrl, current, versions, text, done, correct, runner) {
    runner = runner || HERE;
    var others = versions.filter(function (v) { return v[0] !== current; });
    var found = [];
    var waiting = others.length;
    if (!waiting) { done(found); return; }
    others.forEach(function (version, i) {
      var base = rootUrl + "../" + version[0] + "/assets/lookup/";
      openOther(base, version[0], function (source) {
        if (source) {
          var query = correct ? correct(source, text) : text;
          runner.matcherFor(source, query, function (matcher) {
            runner.lookup(matcher, query, 1, function (result) {
              var results = result.results;
              if (results.length) {
                found[i] = { moniker: version[0], title: version[1], result: results[0] };
              }
              if (--waiting === 0) done(found.filter(Boolean));
            });
          });
        } else if (--waiting === 0) {
          done(found.filter(Boolean));
        }
      });
    });
  }

  // Where the matcher's work on a text runs: the words it looks up (keysOf) and the lookup
  // itself. HERE runs it on the calling thread (fine for a typed query). A Runner runs it in
  // a worker, so a long paste never keeps the page busy: the worker is started from the
  // matcher's own source (KBLookup.factory) as a blob: URL, which works from file:// too and
  // which the site's policy allows (worker-src blob:). Where no worker can start, or one
  // fails, the work runs on the calling thread as before.
  var HERE = {
    matcherFor: function (source, text, done) { source.matcherFor(text, done); },
    lookup: function (matcher, text, limit, done) { done(matcher.lookup(text, limit)); },
  };

  var WORKER = [
    "var root = self;",
    "self.KBLookup = KBLookup;",
    "var matchers = new Map();",
    "self.onmessage = function (event) {",
    "  var m = event.data, out = { id: m.id };",
    "  try {",
    "    if (m.op === 'keys') {",
    "      out.keys = Array.from(keysOf(m.text));",
    "    } else {",
    "      if (m.index) matchers.set(m.key, new KBLookup.Matcher(m.index));",
    "      var matcher = matchers.get(m.key);",
    "      if (!matcher) out.missing = true;",
    "      else out.found = matcher.lookup(m.text, m.limit);",
    "      while (matchers.size > 8) matchers.delete(matchers.keys().next().value);",
    "    }",
    "  } catch (e) { out.error = String(e); }",
    "  self.postMessage(out);",
    "};",
  ].join("\n");

  function Runner() {
    this.worker = null;
    this.waiting = new Map();  // request id -> what to do with the answer
    this.ids = new WeakMap();  // matcher -> its key in the worker
    this.count = 0;
    this.lastKeys = null;
    var lookup = root.KBLookup;
    if (!lookup || typeof lookup.factory !== "function" || typeof Worker !== "function" ||
        typeof Blob !== "function" || typeof URL === "undefined" || !URL.createObjectURL) {
      return;
    }
    var code = "var KBLookup = (" + lookup.factory.toString() + ")();\n" +
      "var keysOf = " + keysOf.toString() + ";\n" + WORKER;
    var self = this;
    var url = null;
    try {
      url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
      this.worker = new Worker(url);
    } catch (e) {
      if (url) URL.revokeObjectURL(url);
      this.worker = null;
      return;
    }
    this.worker.onmessage = function (event) {
      if (url) { URL.revokeObjectURL(url); url = null; }  // the worker has loaded
      var asked = self.waiting.get(event.data.id);
      if (!asked) return;
      self.waiting.delete(event.data.id);
      asked.answer(event.data);
    };
    this.worker.onerror = function (event) {
      if (event && event.preventDefault) event.preventDefault();
      self.stop();
    };
  }

  // No worker any more: what it was asked runs here.
  Runner.prototype.stop = function () {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    var asked = Array.from(this.waiting.values());
    this.waiting.clear();
    asked.forEach(function (a) { a.answer({ error: "the worker stopped" }); });
  };

  Runner.prototype.ask = function (message, answer) {
    if (!this.worker) { answer({ error: "no worker" }); return; }
    message.id = ++this.count;
    this.waiting.set(message.id, { answer: answer });
    this.worker.postMessage(message);
  };

  Runner.prototype.keys = function (text, done) {
    var self = this;
    if (this.lastKeys && this.lastKeys.text === text) { done(this.lastKeys.keys); return; }
    this.ask({ op: "keys", text: text }, function (reply) {
      var keys = reply.error === undefined ? new Set(reply.keys) : keysOf(text);
      self.lastKeys = { text: text, keys: keys };
      done(keys);
    });
  };

  Runner.prototype.matcherFor = function (source, text, done) {
    if (!(source instanceof Pieces) || source.whole || !this.worker) {
      source.matcherFor(text, done);
      return;
    }
    this.keys(text, function (keys) { source.matcherFor(text, done, keys); });
  };

  Runner.prototype.lookup = function (matcher, text, limit, done) {
    var self = this;
    var key = this.ids.get(matcher);
    var message = { op: "lookup", text: text, limit: limit };
    if (key === undefined) {
      key = ++this.count;
      this.ids.set(matcher, key);
      message.index = matcher.index;
    }
    message.key = key;
    this.ask(message, function (reply) {
      if (reply.missing) {  // the worker let it go: send the index again
        self.ids.delete(matcher);
        self.lookup(matcher, text, limit, done);
      } else if (reply.error !== undefined) {
        done(matcher.lookup(text, limit));
      } else {
        done(reply.found);
      }
    });
  };

  // Damerau-Levenshtein distance of a and b, or limit + 1 when it is larger.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      rows.push([i]);
    }
    for (var j = 1; j <= b.length; j++) rows[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      var best = limit + 1;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, rows[i - 2][j - 2] + 1);
        }
        rows[i][j] = v;
        if (v < best) best = v;
      }
      if (best > limit) return limit + 1;
    }
    return rows[a.length][b.length];
  }

  // `text` with each word of 3+ letters that the index doesn't know replaced by the
  // nearest word it knows (one edit for words of up to 5 letters, two for longer).
  function Speller(words) {
    this.known = new Set(words);
    this.byLength = new Map();
    var self = this;
    words.forEach(function (w) {
      if (!self.byLength.has(w.length)) self.byLength.set(w.length, []);
      self.byLength.get(w.length).push(w);
    });
    this.cache = new Map();
  }

  Speller.prototype.nearest = function (word) {
    if (this.cache.has(word)) return this.cache.get(word);
    var limit = word.length <= 5 ? 1 : 2;
    var found = null, best = limit + 1;
    for (var len = word.length - limit; len <= word.length + limit; len++) {
      var list = this.byLength.get(len) || [];
      for (var i = 0; i < list.length; i++) {
        var d = distance(word, list[i], Math.min(limit, best));
        if (d < best || (d === best && found !== null && list[i] < found)) {
          best = d;
          found = list[i];
        }
      }
    }
    this.cache.set(word, found);
    return found;
  };

  Speller.prototype.correct = function (text) {
    var self = this;
    var changed = [];
    var out = String(text).replace(/[A-Za-z0-9_]+/g, function (word) {
      if (!/^[A-Za-z]{3,}$/.test(word)) return word;
      var lower = word.toLowerCase();
      if (self.known.has(lower)) return word;
      var near = self.nearest(lower);
      if (!near) return word;
      changed.push([word, near]);
      return near;
    });
    return { text: out, changed: changed };
  };

  root.KBLookupIndex = { open: open, openOther: openOther, elsewhere: elsewhere, hash: hash, keysOf: keysOf, Speller: Speller,
    vocabularyOf: vocabularyOf, distance: distance, Runner: Runner, HERE: HERE };
})(typeof window !== "undefined" ? window : this);
