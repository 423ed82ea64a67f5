// The error lookup matcher: the same steps as generator/features/lookup/pattern.py and match.py,
// so the "paste your error" page ranks exactly as `kb lookup` does. Works in a page
// (sets window.KBLookup) and in Node (module.exports); no dependencies, no requests.
// tests/vectors/lookup.json holds both implementations to the same results.
// In a page, `KBLookup.factory` is this function itself: loader.js starts a worker from its
// source, so a long paste is matched off the page's main thread.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else {
    root.KBLookup = factory();
    root.KBLookup.factory = factory;
  }
})(this, function () {
  "use strict";

  var INDEX_FORMAT = 2;
  var MAX_INPUT = 1 << 20;  // UTF-16 code units
  var MAX_LINES = 20000;
  var WINDOW = 3;
  var SHORT_INPUT = 50;
  var MAX_WINDOW_CHARS = 4000;
  var FUZZY_MAX_TOKENS = 120;
  var FUZZY_CANDIDATES = 16;
  var FUZZY_MIN = 0.5;
  var FUZZY_TOP = 70;
  var SCORES = { exact: 100, pattern: 90, code: 80, digits: 75 };

  var GUID = "\ue001", NUMBER = "\ue002", URL = "\ue003", PATH = "\ue004", MASK = "\ue005",
    HEXID = "\ue006", TIME = "\ue007";
  var P_ANY = "\ue010", P_GUID = "\ue011", P_INT = "\ue012", P_URL = "\ue013",
    P_PATH = "\ue014", P_QUOTED = "\ue015";
  var TYPED_MARKER = {};
  TYPED_MARKER[P_GUID] = GUID;
  TYPED_MARKER[P_INT] = NUMBER;
  TYPED_MARKER[P_URL] = URL;
  TYPED_MARKER[P_PATH] = PATH;
  var MARKER_NAMES = {};
  MARKER_NAMES[GUID] = "<guid>";
  MARKER_NAMES[NUMBER] = "<number>";
  MARKER_NAMES[URL] = "<url>";
  MARKER_NAMES[PATH] = "<path>";
  MARKER_NAMES[MASK] = "***";
  MARKER_NAMES[HEXID] = "<id>";
  MARKER_NAMES[TIME] = "<time>";

  var ANSI = /\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b\r\n]*(?:\x07|\x1b\\)?|\x1b|[\u200b-\u200d\u2060\ufeff]/g;
  var PRIVATE = /[\ue000-\uf8ff]/g;
  var SPACES = /[\t\v\f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  var QUOTES = /["`\u00ab\u00b4\u00bb\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033]/g;
  // Matched at a position (sticky, never searched), so removing many prefixes is linear.
  var PREFIX = new RegExp(
    " ?(?:\\[?[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?" +
      "(?:Z|[+-][0-9]{2}:?[0-9]{2})?\\]?" +
      "|##\\[[A-Za-z]+\\]|##vso\\[[^\\]]*\\]|\\[(?:error|warning|info|debug|err|warn)\\]" +
      "|(?:error|warning|fatal|err|warn) ?:)",
    "iy");
  var FLAGGED = /err|warn|fatal/i;
  var VARIABLE = new RegExp(
    "((?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9+.\\-]{0,31}://[^ ']*[^ '.,;:)\\]}>])" +
      "|((?<![A-Za-z0-9])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}" +
      "-[0-9A-Fa-f]{12}(?![A-Za-z0-9]))" +
      "|([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?" +
      "(?:Z|[+-][0-9]{2}:?[0-9]{2})?" +
      "|(?<![A-Za-z0-9])[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?![A-Za-z0-9]))" +
      "|([A-Za-z]:\\\\[^ ']*[^ '.,;:)\\]}>]" +
      "|(?<![A-Za-z0-9_/.~])(?:~|\\.{1,2})?(?:/[A-Za-z0-9_.@+\\-]+){2,}/?)" +
      "|((?<![A-Za-z0-9])[0-9A-Fa-f]{16,}(?![A-Za-z0-9]))" +
      "|((?<![A-Za-z0-9_.])[0-9]+(?:[.,][0-9]+)*(?![A-Za-z0-9_]))" +
      "|(\\*{3,})",
    "g");
  var VARIABLE_KINDS = [URL, GUID, TIME, PATH, HEXID, NUMBER, MASK];
  var EDGE_SPACE = /^ +| +$/g;
  var TRAILING = /[ .,;:!?]+$/;
  var TOKEN = /[A-Za-z0-9_]+|[\ue001-\ue004\ue006\ue007]/g;
  var WORDS = /[A-Za-z0-9_]+/g;
  var ERRORISH = /error|fail|exception|denied|invalid|unauthori[sz]ed|forbidden|aadsts|not found|expired|cannot|could not|unable/i;
  var WORD = /[A-Za-z0-9_]/;

  // A-Z lowercased, nothing else: the same length, the same in every matcher.
  function asciiLower(text) {
    return text.replace(/[A-Z]+/g, function (s) { return s.toLowerCase(); });
  }

  function isMarker(code) {
    return code >= 0xe001 && code <= 0xe007;
  }

  // No step reaches across a line break, so a whole text can be cleaned at once.
  function clean(raw) {
    return raw.replace(ANSI, "").replace(SPACES, " ").replace(QUOTES, "'");
  }

  // A pasted line as results show it: as pasted, without colour codes.
  function shown(raw) {
    return raw.replace(PRIVATE, "").replace(ANSI, "").replace(/^[ \t]+|[ \t]+$/g, "");
  }

  function cleanInput(raw) {
    return clean(raw.replace(PRIVATE, ""));
  }

  function words(text) {
    return (text.match(WORDS) || []).map(function (w) { return w.toLowerCase(); });
  }

  function normaliseLine(raw) {
    return normaliseClean(cleanInput(raw));
  }

  function normaliseClean(text) {
    var prefixed = false;
    var start = 0;
    for (;;) {
      while (start < text.length && text[start] === " ") start++;
      PREFIX.lastIndex = start;
      var found = PREFIX.exec(text);
      if (found === null || found[0].length === 0) break;
      start += found[0].length;
      prefixed = prefixed || FLAGGED.test(found[0]);
    }
    text = text.slice(start);
    var rawWords = words(text);
    var values = [];
    text = text.replace(VARIABLE, function (match) {
      values.push(match);
      for (var i = 1; i <= VARIABLE_KINDS.length; i++) {
        if (arguments[i] !== undefined) return VARIABLE_KINDS[i - 1];
      }
      return NUMBER;
    });
    text = text.replace(EDGE_SPACE, "");
    return { text: text, values: values, rawWords: rawWords, prefixed: prefixed };
  }

  function splitLines(text) {
    return text.split(/\r\n|\r|\n/);
  }

  function tokens(text) {
    return (text.match(TOKEN) || []).map(function (t) { return t.toLowerCase(); });
  }

  function display(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      out += Object.prototype.hasOwnProperty.call(MARKER_NAMES, c) ? MARKER_NAMES[c] : c;
    }
    return out;
  }

  function fuzzyTokens(template) {
    var out = "";
    for (var i = 0; i < template.length; i++) {
      var c = template[i];
      if (Object.prototype.hasOwnProperty.call(TYPED_MARKER, c)) out += TYPED_MARKER[c];
      else if (c === P_ANY || c === P_QUOTED || c === MASK) out += " ";
      else out += c;
    }
    return tokens(out);
  }

  // A template as the matchers run it (see Plan in pattern.py): fixed segments between
  // free placeholders; segments[i] is followed by the free placeholder (group) gaps[i].
  var LIT = 0, MARK = 1, QUOTE = 2;

  function plan(template) {
    template = asciiLower(template);
    var segments = [[]], gaps = [], groups = [], literals = 0;
    for (var i = 0; i < template.length; i++) {
      var c = template[i];
      var segment = segments[segments.length - 1];
      if (c === P_ANY || c === MASK) {
        gaps.push(groups.length);
        groups.push("p");
        segments.push([]);
      } else if (c === P_QUOTED) {
        segment.push({ kind: QUOTE, text: "'", group: groups.length, literal: -1 });
        groups.push("p");
      } else if (Object.prototype.hasOwnProperty.call(TYPED_MARKER, c)) {
        segment.push({ kind: MARK, text: TYPED_MARKER[c], group: groups.length, literal: -1 });
        groups.push("p");
      } else if (isMarker(c.charCodeAt(0))) {
        segment.push({ kind: MARK, text: c, group: groups.length, literal: literals++ });
        groups.push("l");
      } else if (segment.length && segment[segment.length - 1].kind === LIT) {
        segment[segment.length - 1].text += c;
      } else {
        segment.push({ kind: LIT, text: c, group: -1, literal: -1 });
      }
    }
    var last = template.length - 1;
    return { segments: segments, gaps: gaps, groups: groups,
      wordStart: template.length > 0 && WORD.test(template[0]),
      wordEnd: template.length > 0 && WORD.test(template[last]) };
  }

  function isWord(c) {
    return c !== undefined && WORD.test(c);
  }

  function Search(compiled, lowered, text, values, literals) {
    this.plan = compiled;
    this.lowered = lowered;
    this.text = text;
    this.values = values;
    this.literals = literals;
    this.markerAt = null;
  }

  Search.prototype.run = function () {
    var segments = this.plan.segments, gaps = this.plan.gaps;
    var size = this.lowered.length;
    var spans = {};
    var last = segments.length - 1;
    var position = 0;
    if (segments[0].length) {
      position = this.find(segments[0], 0, this.plan.wordStart, last === 0 && this.plan.wordEnd,
        spans, -1, 0);
      if (position === null) return null;
    }
    for (var number = 0; number < gaps.length; number++) {
      var gap = gaps[number];
      var segment = segments[number + 1];
      if (!segment.length) {
        if (number + 1 === last) {  // a final free placeholder takes the rest
          if (position >= size) return null;
          spans[gap] = [position, size];
          position = size;
          continue;
        }
        if (position + 1 > size) return null;
        spans[gap] = [position, position + 1];
        position += 1;
        continue;
      }
      position = this.find(segment, position + 1, false,
        number + 1 === last && this.plan.wordEnd, spans, gap, position);
      if (position === null) return null;
    }
    return spans;
  };

  // Where `segment` ends at its earliest place from `start` on (recording its groups and
  // the gap before it in `spans`), or null.
  Search.prototype.find = function (segment, start, wordStart, wordEnd, spans, gap, gapStart) {
    var lowered = this.lowered;
    var probe = segment[0].text;
    var at = lowered.indexOf(probe, start);
    while (at >= 0) {
      if (!(wordStart && at > 0 && isWord(lowered[at - 1]))) {
        var mine = {};
        var end = this.at(segment, at, mine);
        if (end !== null && !(wordEnd && end < lowered.length && isWord(lowered[end]))) {
          for (var key in mine) spans[key] = mine[key];
          if (gap >= 0) spans[gap] = [gapStart, at];
          return end;
        }
      }
      at = lowered.indexOf(probe, at + 1);
    }
    return null;
  };

  // Where `segment` ends if it matches at `position` exactly, else null.
  Search.prototype.at = function (segment, position, spans) {
    var lowered = this.lowered;
    var size = lowered.length;
    for (var i = 0; i < segment.length; i++) {
      var item = segment[i];
      if (item.kind === LIT) {
        if (!lowered.startsWith(item.text, position)) return null;
        position += item.text.length;
      } else if (item.kind === MARK) {
        if (position >= size || lowered[position] !== item.text) return null;
        if (item.literal >= 0) {
          var value = this.values[this.markerIndex(position)];
          if (asciiLower(value) !== asciiLower(this.literals[item.literal])) return null;
        }
        spans[item.group] = [position, position + 1];
        position += 1;
      } else {
        if (position >= size || lowered[position] !== "'") return null;
        var close = lowered.indexOf("'", position + 1);
        if (close < 0) return null;
        spans[item.group] = [position + 1, close];
        position = close + 1;
      }
    }
    return position;
  };

  Search.prototype.markerIndex = function (position) {
    if (this.markerAt === null) {
      this.markerAt = new Map();
      for (var i = 0; i < this.text.length; i++) {
        if (isMarker(this.text.charCodeAt(i))) this.markerAt.set(i, this.markerAt.size);
      }
    }
    return this.markerAt.get(position);
  };

  function countMarkers(text, end) {
    var n = 0;
    for (var i = 0; i < end; i++) if (isMarker(text.charCodeAt(i))) n++;
    return n;
  }

  function restore(text, start, end, values) {
    var index = countMarkers(text, start);
    var out = "";
    for (var i = start; i < end; i++) {
      if (isMarker(text.charCodeAt(i))) out += values[index++];
      else out += text[i];
    }
    return out;
  }

  function lcs(a, b) {
    // Longest common subsequence of two token lists (what rapidfuzz's LCSseq computes).
    var prev = new Array(b.length + 1).fill(0);
    var cur = new Array(b.length + 1).fill(0);
    for (var i = 1; i <= a.length; i++) {
      for (var j = 1; j <= b.length; j++) {
        cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      var t = prev; prev = cur; cur = t;
    }
    return prev[b.length];
  }

  // At most the last MAX_INPUT code units from a line start and the last MAX_LINES lines.
  function clip(text) {
    var offset = 0, truncated = false;
    if (text.length > MAX_INPUT) {
      var start = text.length - MAX_INPUT;
      var cut = text.indexOf("\n", start);
      cut = cut === -1 ? start : cut + 1;
      offset = splitLines(text.slice(0, cut)).length - 1;
      text = text.slice(cut);
      var first = text.charCodeAt(0);
      if (first >= 0xdc00 && first <= 0xdfff) text = "\ufffd" + text.slice(1);  // half a character
      truncated = true;
    }
    var breaks = 0;
    for (var i = 0; i < text.length && breaks < MAX_LINES; i++) {
      var c = text.charCodeAt(i);
      if (c === 10 || c === 13) breaks++;
    }
    if (breaks >= MAX_LINES) {
      var total = splitLines(text).length;
      if (total > MAX_LINES) {
        var drop = total - MAX_LINES;
        var BREAK = /\r\n|\r|\n/g;
        var end = 0;
        for (var k = 0; k < drop; k++) {
          BREAK.exec(text);
          end = BREAK.lastIndex;
        }
        text = text.slice(end);
        offset += drop;
        truncated = true;
      }
    }
    return { text: text, offset: offset, truncated: truncated };
  }

  // The first `count` characters (code points, as Python counts them): a character beyond
  // U+FFFF is never cut in two, which encodeURIComponent would refuse.
  function head(text, count) {
    return Array.from(text).slice(0, count).join("");
  }

  function encode(text) {
    return encodeURIComponent(text);
  }

  // (first, count) of each run of 1, then 2, ... up to `size` adjacent non-empty lines.
  function* windows(lines, size) {
    var run = new Array(lines.length + 1).fill(0);
    for (var i = lines.length - 1; i >= 0; i--) run[i] = lines[i].text ? run[i + 1] + 1 : 0;
    for (var count = 1; count <= size; count++) {
      for (var first = 0; first < lines.length; first++) {
        if (run[first] >= count) yield [first, count];
      }
    }
  }

  function key(m) {
    return [m.score, m.specificity, -m.count, -m.first];
  }

  function detailKey(m) {
    return [m.specificity, m.score, -m.count, -m.first];
  }

  function greater(a, b) {
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return false;
  }

  function Matcher(index) {
    if (index.format !== INDEX_FORMAT) {
      throw new Error("lookup index format " + index.format + " is not " + INDEX_FORMAT);
    }
    this.index = index;
    this.compiledCache = new Map();
    this.anchors = new Map();
    this.always = [];
    var patterns = index.patterns;
    for (var n = 0; n < patterns.length; n++) {
      var anchor = patterns[n][4];
      if (anchor) {
        if (!this.anchors.has(anchor)) this.anchors.set(anchor, []);
        this.anchors.get(anchor).push(n);
      } else {
        this.always.push(n);
      }
    }
    this.fuzzyWords = patterns.map(function (p) { return fuzzyTokens(p[1]); });
    // The index's common words tell messages apart too little to find candidates by.
    var common = new Set(index.common);
    this.postings = new Map();
    for (n = 0; n < patterns.length; n++) {
      var distinct = Array.from(new Set(this.fuzzyWords[n])).sort();
      for (var k = 0; k < distinct.length; k++) {
        var w = distinct[k];
        if (!common.has(w)) {
          if (!this.postings.has(w)) this.postings.set(w, []);
          this.postings.get(w).push(n);
        }
      }
    }
    this.codes = new Map();
    this.digits = new Map();
    for (var c = 0; c < index.codes.length; c++) {
      var code = index.codes[c][0], entry = index.codes[c][1];
      if (!this.codes.has(code)) this.codes.set(code, []);
      this.codes.get(code).push(entry);
      var tail = /[a-z](\d{4,})$/.exec(code);
      if (tail) {
        if (!this.digits.has(tail[1])) this.digits.set(tail[1], []);
        this.digits.get(tail[1]).push(entry);
      }
    }
  }

  Matcher.prototype.compiled = function (n) {
    var known = this.compiledCache.get(n);
    if (!known) {
      known = plan(this.index.patterns[n][1]);
      this.compiledCache.set(n, known);
    }
    return known;
  };

  // `lowered` is `text` with ASCII letters lowercased, where the segments are looked for.
  // Each segment is found at its earliest place after the one before; no choice is ever
  // revisited, so the work grows with the text, not with its power.
  Matcher.prototype.search = function (n, lowered, text, values) {
    var compiled = this.compiled(n);
    var pattern = this.index.patterns[n];
    var names = pattern[2];
    var spans = new Search(compiled, lowered, text, values, pattern[3]).run();
    if (spans === null) return null;
    var out = [], placeholder = 0;
    for (var g = 0; g < compiled.groups.length; g++) {
      if (compiled.groups[g] !== "p") continue;
      var name = names[placeholder++];
      if (name) out.push([name, restore(text, spans[g][0], spans[g][1], values)]);
    }
    return out;
  };

  Matcher.prototype.matches = function (lines, fuzzy) {
    var patterns = this.index.patterns;
    var found = [];
    var single = lines.map(function () { return new Set(); });
    var filledCount = lines.filter(function (l) { return l.text; }).length;
    var short = filledCount <= SHORT_INPUT;
    // Per line: the patterns whose anchor word it has, and whether it reads like an error.
    var self = this;
    var anchored = lines.map(function (line) {
      var hits = new Set();
      (line.text.match(WORDS) || []).forEach(function (w) {
        var got = self.anchors.get(w.toLowerCase());
        if (got) got.forEach(function (h) { hits.add(h); });
      });
      return hits;
    });
    var errorish = lines.map(function (line) {
      return fuzzy && (line.prefixed || ERRORISH.test(line.text));
    });
    for (var win of windows(lines, WINDOW)) {
      var first = win[0], count = win[1];
      var candidates = new Set(this.always);
      for (var a = first; a < first + count; a++) {
        anchored[a].forEach(function (h) { candidates.add(h); });
      }
      var near = fuzzy && (short || (count === 1 && errorish[first]));
      if (!candidates.size && !near) continue;
      var part = lines.slice(first, first + count);
      var text = part.map(function (l) { return l.text; }).join(" ").replace(TRAILING, "");
      if (count > 1 && text.length > MAX_WINDOW_CHARS) continue;  // UTF-16 code units
      var values = [];
      part.forEach(function (l) { values.push.apply(values, l.values); });
      var ordered = Array.from(candidates).sort(function (x, y) { return x - y; });
      var lowered = ordered.length ? asciiLower(text) : text;
      for (var c = 0; c < ordered.length; c++) {
        var number = ordered[c];
        if (count > 1) {
          var seen = false;
          for (var s = first; s < first + count; s++) if (single[s].has(number)) seen = true;
          if (seen) continue;
        }
        var got = this.search(number, lowered, text, values);
        if (got === null) continue;
        if (count === 1) single[first].add(number);
        var kind = patterns[number][2].length ? "pattern" : "exact";
        found.push({ entry: patterns[number][0], pattern: number, kind: kind,
          score: SCORES[kind], specificity: patterns[number][5], first: first, count: count,
          values: got });
      }
      if (near) found.push.apply(found, this.fuzzy(text, values, first, count));
    }
    for (var l = 0; l < lines.length; l++) {
      var rw = lines[l].rawWords;
      for (var r = 0; r < rw.length; r++) {
        var entries = this.codes.get(rw[r]) || [];
        for (var e = 0; e < entries.length; e++) {
          found.push({ entry: entries[e], pattern: -1, kind: "code", score: SCORES.code,
            specificity: 0, first: l, count: 1, values: [] });
        }
      }
    }
    var filled = [];
    lines.forEach(function (line, n) { if (line.text) filled.push(n); });
    if (filled.length === 1 && lines[filled[0]].text === NUMBER) {
      var byDigits = this.digits.get(lines[filled[0]].rawWords[0]) || [];
      for (var d = 0; d < byDigits.length; d++) {
        found.push({ entry: byDigits[d], pattern: -1, kind: "code", score: SCORES.digits,
          specificity: 0, first: filled[0], count: 1, values: [] });
      }
    }
    return found;
  };

  // A message that spells out a number, URL or path is only a near miss of text that
  // has the same value: "status 404" is no near miss of "status 500".
  Matcher.prototype.fuzzy = function (text, values, first, count) {
    var out = [];
    var ws = tokens(text);
    if (!ws.length || ws.length > FUZZY_MAX_TOKENS) return out;
    var shared = new Map();
    var self = this;
    new Set(ws).forEach(function (w) {
      (self.postings.get(w) || []).forEach(function (n) {
        shared.set(n, (shared.get(n) || 0) + 1);
      });
    });
    var patterns = this.index.patterns;
    var present = new Set(values.map(function (v) { return v.toLowerCase(); }));
    var ranked = [];
    shared.forEach(function (c, n) {
      if (c >= 2 && patterns[n][3].every(function (v) { return present.has(v.toLowerCase()); })) {
        ranked.push(n);
      }
    });
    ranked.sort(function (a, b) { return shared.get(b) - shared.get(a) || a - b; });
    ranked.slice(0, FUZZY_CANDIDATES).forEach(function (n) {
      var mine = self.fuzzyWords[n];
      var common = lcs(mine, ws);
      if (common < 2) return;
      var similarity = (2 * common / mine.length + common / ws.length) / 3;
      if (similarity < FUZZY_MIN) return;
      out.push({ entry: patterns[n][0], pattern: n, kind: "fuzzy",
        score: Math.floor(FUZZY_TOP * similarity), specificity: common, first: first,
        count: count, values: [] });
    });
    return out;
  };

  Matcher.prototype.lookup = function (input, limit) {
    var clipped = clip(input);
    var raw = splitLines(clipped.text);
    var lines = splitLines(cleanInput(clipped.text)).map(normaliseClean);
    var best = new Map();
    var detail = new Map();
    var all = this.matches(lines, true);
    for (var i = 0; i < all.length; i++) {
      var m = all[i];
      var known = best.get(m.entry);
      if (known === undefined || greater(key(m), key(known))) best.set(m.entry, m);
      if (m.kind === "exact" || m.kind === "pattern") {
        known = detail.get(m.entry);
        if (known === undefined || greater(detailKey(m), detailKey(known))) detail.set(m.entry, m);
      }
    }
    var ordered = Array.from(best.values()).sort(function (a, b) {
      var ka = key(a), kb = key(b);
      for (var k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return kb[k] - ka[k];
      return a.entry - b.entry;
    });
    if (limit !== undefined && limit !== null) ordered = ordered.slice(0, limit);
    var self = this;
    return {
      version: this.index.moniker,
      version_title: this.index.title,
      lines: raw.length,
      truncated: clipped.truncated,
      results: ordered.map(function (m) {
        return self.result(m, detail.get(m.entry) || m, raw, clipped.offset);
      }),
      propose_url: this.proposeUrl(lines),
    };
  };

  // An entry ranked by `rank`, described by its most telling message match `m`.
  Matcher.prototype.result = function (rank, m, raw, offset) {
    var entry = this.index.entries[m.entry];
    var topic = this.index.topics[entry[0]];
    var causes = entry[3];
    var causeIndex = m.pattern >= 0 ? this.index.patterns[m.pattern][6] : -1;
    if (causeIndex < 0 && causes.length) causeIndex = 0;
    var cause = causeIndex >= 0 ? { id: causes[causeIndex][0], title: causes[causeIndex][1] }
      : null;
    var values = {};
    m.values.forEach(function (pair) { values[pair[0]] = pair[1]; });
    return {
      entry: entry[1],
      title: entry[2],
      topic: topic,
      kind: rank.kind,
      score: rank.score,
      line: offset + m.first + 1,
      end_line: offset + m.first + m.count,
      text: raw.slice(m.first, m.first + m.count).map(shown).join("\n"),
      values: values,
      cause: cause,
      url: topic + "/#" + entry[1],
    };
  };

  Matcher.prototype.proposeUrl = function (lines) {
    var template = String(this.index.new_entry_url || "");
    if (!template) return "";
    var filled = lines.filter(function (l) { return l.text; });
    var picked = filled.filter(function (l) {
      return l.prefixed || ERRORISH.test(l.text);
    }).slice(0, 5);
    var shown = (picked.length ? picked : filled.slice(0, 5)).map(function (l) {
      return head(display(l.text), 300);
    });
    var title = "New error: " + (shown.length ? head(shown[0], 80) : "");
    var body = "Version: " + this.index.title + " (" + this.index.moniker + ")\n\nMessage:\n\n" +
      shown.map(function (s) { return "    " + s; }).join("\n") +
      "\n\nWhat I was doing when it appeared:\n\n";
    return template.split("{title}").join(encode(title))
      .split("{body}").join(encode(body))
      .split("{version}").join(encode(this.index.moniker))
      .split("{entry}").join("")
      .split("{path}").join(encode("lookup/"));
  };

  return {
    INDEX_FORMAT: INDEX_FORMAT,
    normaliseLine: normaliseLine,
    splitLines: splitLines,
    tokens: tokens,
    display: display,
    Matcher: Matcher,
  };
});
