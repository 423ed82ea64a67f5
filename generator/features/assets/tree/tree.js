/* Decision tree: walks one version's troubleshooting tree in the browser.
 *
 * Input: the version's tree, written by `kb build` in one packed format (the first question,
 * then each topic's part with every distinct string of it once, in a table its nodes point
 * into), gzip-compressed and written in base85 in two pieces: what the first question needs
 * (the head, each part's answers to it and their strings), then the rest (each part's nodes
 * and the strings only they use, and the lookup index for the filter). In a one-file
 * troubleshooter they are #kb-tree-packed and #kb-tree-rest (after this script, so the
 * first question can show while the file still arrives), on the site page
 * window.kbTreePacked and window.kbTreeRest (the same bytes, from decision-tree.data.js,
 * which the page links, and from the script #kb-tree's data-rest names, which is loaded
 * here once the first question is drawn); opened with the browser's DecompressionStream
 * or, where there is none, the small inflater below. The first question shows once the
 * first piece is open; an answer given before the rest is open takes effect when it is.
 * Output: the questions, answers and fixes inside #kb-tree. The reader's answers live in
 * the URL fragment (#/key/key/...), so a link reproduces the state and back/forward work.
 * Nothing from the fragment is ever inserted into the page: its keys are only compared
 * with the keys of the data. No request but the site page's for the data's second piece;
 * no cookie, no storage.
 */
(function () {
  "use strict";

  var app = document.getElementById("kb-tree");
  var packedData = document.getElementById("kb-tree-packed");
  var packedText = packedData ? packedData.textContent : window.kbTreePacked;
  if (!app || typeof packedText !== "string") {
    return;
  }
  var data = null;
  var unreachable = false; // the site page could not load the data's second piece
  var complete = false; // the whole data is open (both pieces, asynchronously)
  var waiting = null; // the key of an answer given before it is (the last one given)
  var base = app.getAttribute("data-base") || "";
  var NONE_KEY = "_none";

  // The answers given: trail[i] = {node, key}. The first `pos` apply; the rest are
  // later answers kept after jumping back, offered again while they stay valid.
  var trail = [];
  var pos = 0;
  var memory = {}; // node index -> the key last answered there, until "Start again"
  var partial = false; // the fragment named an answer this version doesn't have
  var shown = null; // the fragment the page shows
  var firstPanel = null; // the first question's panel, once built

  // ---------------------------------------------------------------- the model

  function choicesOf(node) {
    return node.a || [];
  }

  function find(node, key) {
    var choices = choicesOf(node);
    for (var i = 0; i < choices.length; i++) {
      if (choices[i].k === key) {
        return choices[i];
      }
    }
    return null;
  }

  function nodeAt(count) {
    var n = 0;
    for (var i = 0; i < count; i++) {
      n = find(nodeOf(n), trail[i].key).to;
    }
    return n;
  }

  function parse(hash) {
    var steps = [];
    partial = false;
    if (hash.indexOf("#/") !== 0) {
      return steps;
    }
    var parts = hash.slice(2).split("/");
    var n = 0;
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] === "") {
        continue;
      }
      var key;
      try {
        key = decodeURIComponent(parts[i]);
      } catch (err) {
        partial = true;
        break;
      }
      var choice = find(nodeOf(n), key);
      if (!choice) {
        partial = true;
        break;
      }
      steps.push({ node: n, key: choice.k });
      n = choice.to;
    }
    return steps;
  }

  function keys(count) {
    var out = [];
    for (var i = 0; i < count; i++) {
      out.push(trail[i].key);
    }
    return out;
  }

  function fragment(count) {
    var out = keys(count).map(encodeURIComponent);
    return out.length ? "#/" + out.join("/") : "";
  }

  function commit() {
    shown = fragment(pos);
    var url = location.href.split("#")[0] + shown;
    try {
      history.pushState({ kbTree: true }, "", url);
    } catch (err) {
      location.hash = shown; // some browsers refuse pushState on file: pages
    }
  }

  // Whether the data is open.
  function load() {
    return complete;
  }

  // ------------------------------------------------------------- the data

  var NUMBER_FIELDS = { to: true, f: true, v: true };

  // The packed data as the build wrote it, unpacked: strings back in place of their
  // numbers in the table (fields of NUMBER_FIELDS are numbers as they are). Each topic's
  // part has a table of its own; its nodes follow the head's (its answers point at them
  // from its own start) and its answers to the first question come before the head's.
  // The head's nodes and every answer to the first question are unpacked at once, the
  // other nodes of a part when they are first asked for (`nodeOf`): the first question
  // does not wait for them.
  function unpacked(v, strings, offset) {
    if (Array.isArray(v)) {
      var list = new Array(v.length);
      for (var i = 0; i < v.length; i++) {
        list[i] = unpacked(v[i], strings, offset);
      }
      return list;
    }
    if (v !== null && typeof v === "object") {
      var o = {};
      for (var k in v) {
        if (Object.prototype.hasOwnProperty.call(v, k)) {
          o[k] = !NUMBER_FIELDS[k] ? unpacked(v[k], strings, offset)
            : k === "to" ? v[k] + offset : v[k];
        }
      }
      return o;
    }
    return typeof v === "number" ? strings[v] : v;
  }

  function unpack(packed) {
    var out = {};
    Object.keys(packed).forEach(function (k) {
      if (k !== "strings" && k !== "format" && k !== "nodes" && k !== "parts") {
        out[k] = packed[k];
      }
    });
    var head = unpacked(packed.nodes, packed.strings || [], 0);
    var answers = [];
    var parts = [];
    var count = head.length;
    (packed.parts || []).forEach(function (part) {
      var mine = unpacked(part.answers, part.strings, count);
      for (var i = 0; i < mine.length; i++) {
        answers.push(mine[i]);
      }
      // The nodes and the rest of the table come with the second piece (`openRest`).
      parts.push({ offset: count, nodes: null, strings: part.strings, done: [] });
      count += part.n;
    });
    if (answers.length) {
      head[0].a = answers.concat(head[0].a);
    }
    out.head = head;
    out.parts = parts;
    out.count = count;
    return out;
  }

  // Node `i` of the tree (the head's nodes first, then each part's), unpacked once.
  function nodeOf(i) {
    if (i < data.head.length) {
      return data.head[i];
    }
    if (!(i < data.count)) {
      return undefined;
    }
    var parts = data.parts;
    var low = 0;
    var high = parts.length - 1;
    while (low < high) { // the last part that starts at or before node i
      var mid = (low + high + 1) >> 1;
      if (parts[mid].offset <= i) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    var part = parts[low];
    var at = i - part.offset;
    if (!part.done[at]) {
      part.done[at] = unpacked(part.nodes[at], part.strings, part.offset);
    }
    return part.done[at];
  }

  // The bytes of base85 text in RFC 1924's alphabet, "." standing for "<" (the build's
  // `encoded`): five characters for four bytes, big-endian; a last group of n characters
  // holds n - 1 bytes. A character outside the alphabet is an error.
  var BASE85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" +
    "!#$%&()*+-;.=>?@^_`{|}~";

  function base85Bytes(text) {
    var digit = new Int8Array(128).fill(-1);
    for (var d = 0; d < 85; d++) {
      digit[BASE85.charCodeAt(d)] = d;
    }
    var size = text.length;
    var last = size % 5;
    if (last === 1) {
      throw new Error("not base85 text");
    }
    var out = new Uint8Array(Math.floor(size / 5) * 4 + (last ? last - 1 : 0));
    var at = 0;
    for (var i = 0; i < size; i += 5) {
      var value = 0;
      for (var j = i; j < i + 5; j++) {
        // A short last group is read as if padded with the highest digit.
        var code = j < size ? text.charCodeAt(j) : 126;
        var v = code < 128 ? digit[code] : -1;
        if (v < 0) {
          throw new Error("not base85 text");
        }
        value = value * 85 + v;
      }
      if (value > 4294967295) {
        throw new Error("not base85 text");
      }
      for (var shift = 24; shift >= 0 && at < out.length; shift -= 8) {
        out[at++] = (value >>> shift) & 255;
      }
    }
    return out;
  }

  // gzip-compressed JSON, opened by the browser where it can, else by `gunzip`.
  function openPacked(text) {
    var bytes = base85Bytes(text.replace(/\s+/g, ""));
    var opened;
    if (window.DecompressionStream && window.Response && window.Blob) {
      opened = new Response(new Blob([bytes]).stream()
        .pipeThrough(new DecompressionStream("gzip"))).text();
    } else {
      opened = new Promise(function (resolve) {
        resolve(new TextDecoder("utf-8").decode(gunzip(bytes)));
      });
    }
    return opened.then(JSON.parse);
  }

  // A gzip member's data (RFC 1952 around RFC 1951's DEFLATE), for browsers without
  // DecompressionStream.
  function gunzip(src) {
    if (src[0] !== 31 || src[1] !== 139 || src[2] !== 8) {
      throw new Error("not gzip data");
    }
    var flags = src[3];
    var pos = 10;
    if (flags & 4) {
      pos += 2 + (src[pos] | (src[pos + 1] << 8));
    }
    if (flags & 8) {
      while (src[pos++]) { /* file name */ }
    }
    if (flags & 16) {
      while (src[pos++]) { /* comment */ }
    }
    if (flags & 2) {
      pos += 2;
    }
    return inflate(src, pos);
  }

  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
    99, 115, 131, 163, 195, 227, 258];
  var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11,
    12, 12, 13, 13];
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  // Raw DEFLATE from src[pos], as in zlib's puff.c: canonical Huffman codes decoded bit by
  // bit, which is fast enough for a fallback.
  function inflate(src, pos) {
    var out = new Uint8Array(Math.max(1024, src.length * 4));
    var size = 0;
    var buf = 0;
    var cnt = 0;
    function need(n) {
      if (size + n > out.length) {
        var more = new Uint8Array(Math.max(out.length * 2, size + n));
        more.set(out.subarray(0, size));
        out = more;
      }
    }
    function bits(n) {
      while (cnt < n) {
        if (pos >= src.length) {
          throw new Error("truncated data");
        }
        buf |= src[pos++] << cnt;
        cnt += 8;
      }
      var v = buf & ((1 << n) - 1);
      buf >>>= n;
      cnt -= n;
      return v;
    }
    function table(lengths) {
      var count = new Uint16Array(16);
      var offs = new Uint16Array(16);
      var symbol = new Uint16Array(lengths.length);
      var i;
      for (i = 0; i < lengths.length; i++) {
        count[lengths[i]]++;
      }
      count[0] = 0;
      for (i = 1; i < 16; i++) {
        offs[i] = offs[i - 1] + count[i - 1];
      }
      for (i = 0; i < lengths.length; i++) {
        if (lengths[i]) {
          symbol[offs[lengths[i]]++] = i;
        }
      }
      return { count: count, symbol: symbol };
    }
    function decode(t) {
      var code = 0;
      var first = 0;
      var index = 0;
      for (var len = 1; len < 16; len++) {
        code |= bits(1);
        var count = t.count[len];
        if (code - count < first) {
          return t.symbol[index + (code - first)];
        }
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
      }
      throw new Error("bad code");
    }
    function codes(lit, dist) {
      for (;;) {
        var sym = decode(lit);
        if (sym < 256) {
          need(1);
          out[size++] = sym;
        } else if (sym === 256) {
          return;
        } else {
          sym -= 257;
          var len = LBASE[sym] + bits(LEXT[sym]);
          var d = decode(dist);
          var back = DBASE[d] + bits(DEXT[d]);
          need(len);
          for (var i = 0; i < len; i++) {
            out[size] = out[size - back];
            size++;
          }
        }
      }
    }
    var fixed = null;
    var last = 0;
    while (!last) {
      last = bits(1);
      var type = bits(2);
      var i;
      if (type === 0) {
        buf = 0;
        cnt = 0;
        var length = src[pos] | (src[pos + 1] << 8);
        pos += 4;
        need(length);
        out.set(src.subarray(pos, pos + length), size);
        size += length;
        pos += length;
      } else if (type === 1) {
        if (!fixed) {
          var lengths = new Uint8Array(288);
          for (i = 0; i < 288; i++) {
            lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
          }
          var dl = new Uint8Array(30);
          dl.fill(5);
          fixed = [table(lengths), table(dl)];
        }
        codes(fixed[0], fixed[1]);
      } else if (type === 2) {
        var nlen = bits(5) + 257;
        var ndist = bits(5) + 1;
        var ncode = bits(4) + 4;
        var cl = new Uint8Array(19);
        for (i = 0; i < ncode; i++) {
          cl[ORDER[i]] = bits(3);
        }
        var clt = table(cl);
        var all = new Uint8Array(nlen + ndist);
        for (i = 0; i < nlen + ndist;) {
          var sym = decode(clt);
          if (sym < 16) {
            all[i++] = sym;
          } else {
            var rep = 0;
            var times;
            if (sym === 16) {
              rep = all[i - 1];
              times = 3 + bits(2);
            } else if (sym === 17) {
              times = 3 + bits(3);
            } else {
              times = 11 + bits(7);
            }
            while (times--) {
              all[i++] = rep;
            }
          }
        }
        codes(table(all.subarray(0, nlen)), table(all.subarray(nlen)));
      } else {
        throw new Error("bad block type");
      }
    }
    return out.subarray(0, size);
  }

  // Which of a choice's messages the reader picked it by: the one that holds most of the
  // words they filtered with (codes included), so crumbs name what they were looking at.
  function saidFor(choice, typed) {
    var words = String(typed || "").toLowerCase().match(/[a-z0-9_]{3,}/g);
    var all = [choice.l].concat(choice.m || []);
    if (!words || all.length < 2) return "";
    var best = "", score = 0;
    all.forEach(function (message) {
      var text = String(message).toLowerCase();
      var n = words.filter(function (w) { return text.indexOf(w) >= 0; }).length;
      if (n > score) { best = message; score = n; }
    });
    return best === choice.l ? "" : best;
  }

  function answer(key) {
    var filter = document.getElementById("kb-filter");
    var typed = filter ? filter.value : "";
    if (!load()) {
      waiting = key;
      return;
    }
    var n = nodeAt(pos);
    var choice = find(nodeOf(n), key);
    if (!choice) {
      return;
    }
    var said = saidFor(choice, typed);
    if (trail[pos] && trail[pos].key === key) {
      trail[pos].said = said;
    } else {
      remember();
      memory[n] = key;
      trail = trail.slice(0, pos);
      trail.push({ node: n, key: key, said: said });
      // Answers given before at the questions ahead are offered again.
      var next = choice.to;
      var seen = {};
      while (Object.prototype.hasOwnProperty.call(memory, next) && !seen[next]) {
        seen[next] = true;
        var again = find(nodeOf(next), memory[next]);
        if (!again) {
          break;
        }
        trail.push({ node: next, key: again.k });
        next = again.to;
      }
    }
    pos += 1;
    partial = false;
    change();
  }

  function jump(step) {
    pos = Math.max(0, Math.min(step, trail.length));
    partial = false;
    change();
  }

  function remember() {
    for (var i = 0; i < trail.length; i++) {
      memory[trail[i].node] = trail[i].key;
    }
  }

  function restart() {
    memory = {};
    firstPanel = null; // a fresh start: no filter either
    trail = [];
    pos = 0;
    partial = false;
    change();
  }

  function change() {
    commit();
    render();
    focusHeading();
  }

  function fromLocation() {
    var hash = location.hash;
    if (!load()) {
      return; // once loaded, the page catches up with the address
    }
    if (hash === shown || (hash && hash.indexOf("#/") !== 0)) {
      return; // already shown, or an ordinary anchor of the page
    }
    var steps = parse(hash);
    // Back and forward through this page's own answers keep the later ones; an address
    // opened or pasted (a shared link) shows exactly its own path.
    var own = history.state && history.state.kbTree;
    if (!own) {
      memory = {};
      trail = [];
    }
    var same = steps.length <= trail.length;
    for (var i = 0; same && i < steps.length; i++) {
      same = trail[i].key === steps[i].key && trail[i].node === steps[i].node;
    }
    if (!same) {
      remember();
      trail = steps;
    }
    pos = steps.length;
    shown = hash;
    render();
    focusHeading();
  }

  // ------------------------------------------------------ the message filter

  function normalise(text) {
    return String(text)
      .toLowerCase()
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      .replace(/\s+/g, " ")
      .trim();
  }

  // A message (its placeholders shown as ‹app id›) or *** as its literal pieces, in order.
  function pieces(message) {
    return normalise(message)
      .split(/\u2039[^\u203a]*\u203a|\*\*\*+/)
      .map(function (piece) { return piece.trim(); })
      .filter(Boolean);
  }

  function holds(text, parts) {
    var at = 0;
    for (var i = 0; i < parts.length; i++) {
      at = text.indexOf(parts[i], at);
      if (at < 0) {
        return false;
      }
      at += parts[i].length;
    }
    return parts.length > 0;
  }

  // Which answers of the first question match what the reader typed or pasted: the
  // text is part of a message, a message (placeholders aside) is part of the text,
  // every word of the text is in the answer, or the knowledge base's lookup matcher
  // finds the answer's entry in the text (a pasted log, a code alone, or a misspelt
  // message: then only its nearest one, so the list still narrows as the reader types).
  function filterMessages(answers, query) {
    var q = normalise(query);
    var words = q.split(" ").filter(Boolean);
    var found = q ? lookupEntries(query) : new Set();
    return answers.map(function (a) {
      if (!q || a.k === NONE_KEY) {
        return true;
      }
      if (found.has(a.k)) {
        return true;
      }
      var known = searchable(a);
      if (known.text.indexOf(q) >= 0) {
        return true;
      }
      for (var i = 0; i < known.pieces.length; i++) {
        if (holds(q, known.pieces[i])) {
          return true;
        }
      }
      return words.every(function (w) { return known.text.indexOf(w) >= 0; });
    });
  }

  // The lookup matcher (lookup.js, with the version's index) when the page has it: the
  // site page loads both as scripts; the one-file troubleshooter carries them inline.
  var matcher; // undefined until first needed; null when the page has none
  var LOOKUP_LIMIT = 20;
  function lookupEntries(query) {
    if (matcher === undefined && (complete || window.KB_LOOKUP_INDEX)) {
      // (until the data's second piece is open, the one-file troubleshooter has no index
      // yet: the substring filter works alone meanwhile)
      matcher = null;
      var index = window.KB_LOOKUP_INDEX;
      var inline = document.getElementById("kb-lookup-index");
      try {
        if (!index && inline) {
          index = JSON.parse(inline.textContent);
        }
        if (window.KBLookup && index) {
          matcher = new window.KBLookup.Matcher(index);
        }
      } catch (err) {
        matcher = null; // an index of another format: the substring filter still works
      }
    }
    var entries = new Set();
    if (matcher) {
      var results = matcher.lookup(query, LOOKUP_LIMIT).results;
      results.forEach(function (r) {
        if (r.kind !== "fuzzy") {
          entries.add(r.entry);
        }
      });
      if (!entries.size && results.length) {
        entries.add(results[0].entry); // a misspelt message: the nearest one only
      }
    }
    return entries;
  }

  // What the filter compares, worked out once per answer.
  var searched = new Map();
  function searchable(a) {
    var known = searched.get(a);
    if (!known) {
      var messages = [a.l].concat(a.m || []);
      known = {
        text: normalise(messages.join(" \n ") + " " + (a.s || "")),
        pieces: messages.map(pieces)
      };
      searched.set(a, known);
    }
    return known;
  }

  // ------------------------------------------------------------- rendering

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  // Markup written by the build from the catalogue (never from the URL).
  function trusted(tag, className, markup) {
    var node = el(tag, className);
    node.innerHTML = markup;
    var links = node.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (!/^([a-zA-Z][a-zA-Z0-9+.-]*:|\/|#)/.test(href)) {
        links[i].setAttribute("href", base + href);
      }
    }
    return node;
  }

  function button(text, action, className) {
    var b = el("button", className || "kb-button", text);
    b.type = "button";
    b.setAttribute("data-action", action);
    return b;
  }

  function heading(text, markup) {
    var h = markup === undefined ? el("h2", "kb-heading", text) : trusted("h2", "kb-heading", markup);
    h.id = "kb-heading";
    h.tabIndex = -1;
    return h;
  }

  function crumbs() {
    var nav = el("nav", "kb-crumbs");
    nav.setAttribute("aria-label", "Your answers");
    var list = el("ol");
    for (var i = 0; i < trail.length; i++) {
      var node = nodeOf(trail[i].node);
      var choice = find(node, trail[i].key);
      var later = i >= pos;
      var item = el("li", later ? "kb-later" : "");
      var b = el("button", "kb-crumb");
      b.type = "button";
      b.setAttribute("data-action", "jump");
      b.setAttribute("data-step", String(i));
      b.appendChild(el("span", "kb-crumb-q", node.p || "The causes known for this error"));
      b.appendChild(el("span", "kb-crumb-a", trail[i].said || choice.l));
      if (later) {
        b.appendChild(el("span", "kb-hint", " (kept from before)"));
      }
      if (i === pos) {
        item.setAttribute("aria-current", "step");
      }
      item.appendChild(b);
      list.appendChild(item);
    }
    nav.appendChild(list);
    return nav;
  }

  // A long list (the first question lists every message of the version) shows its first
  // answers at once and draws the rest in slices, between which the browser paints: the
  // question is on screen without waiting for thousands of buttons. What needs the whole
  // list (the filter, the keyboard) first draws what is left (finishLists).
  var FIRST_ANSWERS = 80;
  var SLICE = 500;
  var unfinished = [];

  function finishLists() {
    unfinished.slice().forEach(function (finish) { finish(); });
  }

  function answerList(node, choices, earlier) {
    var list = el("ul", "kb-answers");
    var group = null;
    var groups = {};
    choices.forEach(function (c) { if (c.g) { groups[c.g] = true; } });
    var grouped = Object.keys(groups).length > 1;
    var next = 0;
    list.kbEarlier = earlier; // the answer marked "your earlier answer" (markEarlier)
    function draw(upto) {
      for (; next < upto; next++) {
        var choice = choices[next];
        if (grouped && choice.g && choice.g !== group) {
          group = choice.g;
          list.appendChild(el("li", "kb-group", group));
        }
        var item = el("li");
        var b = el("button", "kb-answer");
        b.type = "button";
        b.setAttribute("data-action", "answer");
        b.setAttribute("data-key", choice.k);
        b.appendChild(el("span", "kb-number", (next + 1) + "."));
        var body = el("span", "kb-label");
        body.appendChild(el("span", choice.v ? "kb-message" : "", choice.l));
        (choice.m || []).forEach(function (more) {
          body.appendChild(el("span", "kb-message kb-more", more));
        });
        b.appendChild(body);
        if (list.kbEarlier === choice.k) {
          b.classList.add("kb-chosen");
          b.appendChild(el("span", "kb-hint", "your earlier answer"));
        }
        item.appendChild(b);
        list.appendChild(item);
      }
    }
    function finish() {
      draw(choices.length);
      var at = unfinished.indexOf(finish);
      if (at >= 0) {
        unfinished.splice(at, 1);
      }
      if (!unfinished.length) {
        app.setAttribute("data-complete", "");
      }
    }
    draw(Math.min(choices.length, FIRST_ANSWERS));
    if (next < choices.length) {
      app.removeAttribute("data-complete");
      unfinished.push(finish);
      var slice = function () {
        if (unfinished.indexOf(finish) < 0) {
          return;
        }
        draw(Math.min(choices.length, next + SLICE));
        if (next < choices.length) {
          setTimeout(slice, 16);
        } else {
          finish();
        }
      };
      setTimeout(slice, 16);
    } else if (!unfinished.length) {
      app.setAttribute("data-complete", "");
    }
    return list;
  }

  function filterBox(node, list) {
    var box = el("div", "kb-filter");
    var label = el("label", "", "Filter the messages");
    label.htmlFor = "kb-filter";
    var input = el("input");
    input.id = "kb-filter";
    input.type = "search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = "Paste or type part of the message or its code";
    input.maxLength = 4000;  // a message, not a log: the matcher runs at each keystroke
    var count = el("p", "kb-count");
    count.id = "kb-count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", "kb-count");
    input.addEventListener("input", function () {
      finishLists();
      var items = list.querySelectorAll(".kb-answer");
      var matches = filterMessages(node.a, input.value);
      var found = 0;
      for (var i = 0; i < items.length; i++) {
        items[i].parentNode.hidden = !matches[i];
        if (matches[i] && node.a[i].k !== NONE_KEY) {
          found += 1;
        }
      }
      var headings = list.querySelectorAll(".kb-group");
      for (var j = 0; j < headings.length; j++) {
        headings[j].hidden = !!input.value;
      }
      var total = node.a.length - 1;
      count.textContent = input.value
        ? found + " of " + total + (total === 1 ? " message matches." : " messages match.")
        : "";
      elsewhere(found ? "" : input.value, other);
    });
    input.addEventListener("keydown", function (event) {
      var visible = visibleAnswers();
      if (event.key === "Enter" && input.value) {
        var real = visible.filter(function (b) { return b.getAttribute("data-key") !== NONE_KEY; });
        if (real.length === 1) {
          event.preventDefault();
          answer(real[0].getAttribute("data-key"));
        }
      } else if (event.key === "ArrowDown" && visible.length) {
        event.preventDefault();
        visible[0].focus();
      }
    });
    var other = el("p", "kb-elsewhere");
    other.hidden = true;
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    box.appendChild(other);
    return box;
  }

  // No message of this version matches what the reader typed: once they stop typing, the
  // versions of the site whose messages match it, linked to the entry there (on the site
  // only: the one-file troubleshooter has no other versions).
  var elsewhereTimer = 0;
  function elsewhere(text, out) {
    clearTimeout(elsewhereTimer);
    out.textContent = "";
    out.hidden = true;
    var versions = window.KB_LOOKUP_VERSIONS;
    if (!text.trim() || !window.KBLookupIndex || !versions) {
      return;
    }
    var base = app.getAttribute("data-base") || "";
    var disk = location.protocol === "file:";
    elsewhereTimer = setTimeout(function () {
      window.KBLookupIndex.elsewhere(base, versions.current, versions.versions, text,
        function (found) {
          if (!found.length) {
            return;
          }
          out.appendChild(document.createTextNode("Found in other versions: "));
          found.forEach(function (hit, i) {
            if (i) {
              out.appendChild(document.createTextNode(", "));
            }
            var a = el("a", "kb-elsewhere-link", hit.title + " (" + hit.result.title + ")");
            a.href = base + "../" + hit.moniker + "/" + hit.result.topic +
              (disk ? "/index.html" : "/") + "#" + hit.result.entry;
            out.appendChild(a);
          });
          out.appendChild(document.createTextNode("."));
          out.hidden = false;
        });
    }, 500);
  }

  function visibleAnswers() {
    finishLists();
    var all = app.querySelectorAll(".kb-answer");
    var out = [];
    for (var i = 0; i < all.length; i++) {
      if (!all[i].parentNode.hidden) {
        out.push(all[i]);
      }
    }
    return out;
  }

  function pathText() {
    var lines = [data.site + ": troubleshooter for " + data.version + " (" + data.moniker + ")", ""];
    for (var i = 0; i < pos; i++) {
      var node = nodeOf(trail[i].node);
      lines.push((i + 1) + ". " + (node.p || "The causes known for this error"));
      lines.push("   " + find(node, trail[i].key).l);
    }
    return lines;
  }

  // The path and the fix as plain text; `where` holds the fix as shown.
  function copyText(node, where) {
    var lines = pathText();
    lines.push("");
    if (node.t === "c") {
      lines.push("Cause: " + node.title);
      lines.push("Error: " + node.et);
      var fixes = where.querySelectorAll(".kb-fix");
      for (var i = 0; i < fixes.length; i++) {
        lines.push("");
        lines.push(fixes[i].querySelector(".kb-fix-title").textContent);
        var steps = fixes[i].querySelectorAll(".kb-steps > li");
        for (var j = 0; j < steps.length; j++) {
          lines.push("  " + (j + 1) + ". " + steps[j].textContent.replace(/\s+/g, " ").trim());
        }
      }
    } else {
      lines.push("Not covered by this knowledge base" + (node.et ? ": " + node.et : "."));
    }
    lines.push("");
    lines.push("Answers: " + (keys(pos).join("/") || "(none)"));
    if (data.siteUrl) {
      lines.push("Troubleshooter: " + data.siteUrl + data.page + fragment(pos));
    }
    return lines.join("\n");
  }

  function fill(template, values) {
    return template.replace(/\{(title|body|entry|version|path)\}/g, function (all, name) {
      return encodeURIComponent(values[name]);
    });
  }

  function outcome(node, panel) {
    var box = el("div", "kb-outcome");
    var entry = node.e || "";
    var path = keys(pos).join("/");
    var body = copyText(node, panel);
    if (node.t === "c") {
      // "It fixed it" sends nothing and needs no account: a static site has nowhere to
      // count it (README: "Feedback" says how a team can add analytics).
      box.appendChild(el("p", "kb-outcome-q", "Did this fix it?"));
      var fixed = button("It fixed it", "fixed");
      box.appendChild(fixed);
      if (data.feedback) {
        var a = el("a", "kb-button", "It didn't fix it");
        a.href = fill(data.feedback, {
          title: "Not fixed: " + node.et + " (" + entry + "#" + node.c + ", " + data.moniker + ")",
          body: body, entry: entry, version: data.moniker, path: path
        });
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        box.appendChild(a);
      }
      var thanks = el("p", "kb-thanks", "Glad it helped. Nothing was sent: thank you for reading.");
      thanks.hidden = true;
      thanks.setAttribute("role", "status");
      box.appendChild(thanks);
    } else if (node.t === "n") {
      var template = node.e ? data.feedback : data.newEntry || data.feedback;
      if (template) {
        var report = el("a", "kb-button", node.e ? "Tell us what you found" : "Report your message");
        report.href = fill(template, {
          title: (node.e ? "Not covered: " + node.et : "New error message") + " (" + data.moniker + ")",
          body: body, entry: entry, version: data.moniker, path: path
        });
        report.target = "_blank";
        report.rel = "noopener noreferrer";
        box.appendChild(report);
      }
    }
    return box;
  }

  function endTools(node, panel) {
    var tools = el("div", "kb-actions");
    tools.appendChild(button("Copy what I tried", "copy"));
    tools.appendChild(button("Print", "print"));
    var copied = el("div", "kb-copied");
    copied.hidden = true;
    var label = el("label", "", "What you tried, as plain text for a ticket");
    label.htmlFor = "kb-copy-text";
    var area = el("textarea");
    area.id = "kb-copy-text";
    area.readOnly = true;
    area.rows = 12;
    copied.appendChild(label);
    copied.appendChild(area);
    var wrap = el("div");
    wrap.appendChild(outcome(node, panel));
    wrap.appendChild(tools);
    wrap.appendChild(copied);
    return wrap;
  }

  // The first question is the longest (every message): its panel is built once, and
  // keeps the reader's filter when they come back to it (firstPanel, above).
  function markEarlier(panel, earlier) {
    var lists = panel.querySelectorAll(".kb-answers");
    for (var j = 0; j < lists.length; j++) {
      lists[j].kbEarlier = earlier; // for the answers not drawn yet
    }
    var buttons = panel.querySelectorAll(".kb-answer");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var was = b.classList.contains("kb-chosen");
      var is = b.getAttribute("data-key") === earlier;
      if (was && !is) {
        b.classList.remove("kb-chosen");
        b.removeChild(b.querySelector(".kb-hint"));
      } else if (is && !was) {
        b.classList.add("kb-chosen");
        b.appendChild(el("span", "kb-hint", "your earlier answer"));
      }
    }
  }

  function first(node) {
    if (!firstPanel) {
      firstPanel = el("div", "kb-panel");
      question(node, firstPanel);
    }
    markEarlier(firstPanel, trail[pos] ? trail[pos].key : null);
    return firstPanel;
  }

  function question(node, panel) {
    panel.appendChild(heading(null, node.q));
    if (node.h) {
      panel.appendChild(trusted("div", "kb-help", node.h));
    }
    var earlier = trail[pos] && !node.f ? trail[pos].key : null;
    var list = answerList(node, node.a, earlier);
    if (node.f) {
      panel.appendChild(filterBox(node, list));
    }
    panel.appendChild(list);
    if (node.f && data.missing.length) {
      var missing = el("ul", "kb-missing");
      data.missing.forEach(function (text) { missing.appendChild(el("li", "", text)); });
      panel.appendChild(missing);
    }
  }

  function causeEnd(node, panel) {
    panel.appendChild(el("p", "kb-kicker", "Likely cause"));
    panel.appendChild(heading(node.title));
    var context = el("p", "kb-context");
    context.appendChild(document.createTextNode("For the error: "));
    context.appendChild(el("strong", "", node.et));
    context.appendChild(document.createTextNode(". "));
    var link = el("a", "", "Read it on the site");
    link.href = base + node.href;
    context.appendChild(link);
    panel.appendChild(context);
    panel.appendChild(fixLinks(trusted("div", "kb-fixes", node.html), node.href));
    panel.appendChild(endTools(node, panel));
  }

  // The anchor of a fix on its topic page, as the build makes most of them (markup.py
  // derived_anchor): the cause's anchor, "-", and the fix's heading, without its number,
  // in lower-case words of letters and digits joined by "-". The build writes the anchor
  // out (`written`) where this rule doesn't give it.
  function fixAnchor(cause, heading, written) {
    if (written) {
      return written;
    }
    var words = heading.replace(/^Fix [0-9]+ of [0-9]+: /, "").toLowerCase().match(/[a-z0-9]+/g);
    return cause + "-" + (words ? words.join("-") : "section");
  }

  // Each fix of a cause end gets its link to the topic page ("This fix on the site"), next
  // to the cause's own (causeHref: the topic page, "#", the cause's anchor).
  function fixLinks(fixes, causeHref) {
    var at = causeHref.indexOf("#");
    var page = causeHref.slice(0, at);
    var cause = causeHref.slice(at + 1);
    var sections = fixes.querySelectorAll(":scope > section.kb-fix");
    for (var i = 0; i < sections.length; i++) {
      var title = sections[i].firstElementChild;
      var anchor = fixAnchor(cause, title ? title.textContent : "",
        sections[i].getAttribute("data-anchor"));
      var link = el("a", "", "This fix on the site");
      link.href = base + page + "#" + anchor;
      var line = el("p", "kb-on-site");
      line.appendChild(link);
      sections[i].appendChild(line);
    }
    return fixes;
  }

  function notCovered(node, panel) {
    panel.appendChild(heading(node.e ? "This guide doesn't cover your case" : "Your message isn't in this list"));
    if (node.html) {
      panel.appendChild(trusted("div", "kb-help", node.html));
    }
    if (node.e) {
      var intro = el("p");
      intro.appendChild(document.createTextNode("None of the causes known for "));
      intro.appendChild(el("strong", "", node.et));
      intro.appendChild(document.createTextNode(" matched your answers. If you weren't sure of an answer, read a cause anyway:"));
      panel.appendChild(intro);
      panel.appendChild(answerList(node, node.a, trail[pos] ? trail[pos].key : null));
      var more = el("p");
      var link = el("a", "", "Read the whole error on the site");
      link.href = base + node.href;
      more.appendChild(link);
      panel.appendChild(more);
    } else {
      panel.appendChild(el("p", "", "This knowledge base doesn't know your message yet. Check that you picked the right version, " +
        "try a shorter part of the message or its code in the filter, or search the site. If it still isn't there, report it: " +
        "that's how it gets added."));
    }
    panel.appendChild(endTools(node, panel));
  }

  function render() {
    var node = nodeOf(nodeAt(pos));
    var view = document.createDocumentFragment();
    if (partial) {
      var notice = el("p", "kb-notice", "Part of this link doesn't apply to " + data.version +
        ": the answers that do are kept, and the next question is below.");
      notice.setAttribute("role", "status");
      view.appendChild(notice);
    }
    if (trail.length) {
      view.appendChild(crumbs());
    }
    var panel;
    if (data.empty) {
      panel = el("div", "kb-panel");
      panel.appendChild(heading("No decision tree for " + data.version));
      var list = el("ul", "kb-missing");
      data.missing.forEach(function (text) { list.appendChild(el("li", "", text)); });
      panel.appendChild(list);
    } else if (node.f) {
      panel = first(node);
    } else {
      panel = el("div", "kb-panel");
      if (node.t === "q") {
        question(node, panel);
      } else if (node.t === "c") {
        causeEnd(node, panel);
      } else {
        notCovered(node, panel);
      }
    }
    view.appendChild(panel);
    if (trail.length) {
      var tools = el("div", "kb-tools");
      var back = button("Back", "back");
      back.disabled = pos === 0;
      tools.appendChild(back);
      tools.appendChild(button("Start again", "restart"));
      view.appendChild(tools);
    }
    app.textContent = "";
    app.appendChild(view);
  }

  function focusHeading() {
    var h = document.getElementById("kb-heading");
    if (h) {
      h.focus();
    }
  }

  // ----------------------------------------------------------------- events

  app.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-action]") : null;
    if (!target || !app.contains(target)) {
      return;
    }
    var action = target.getAttribute("data-action");
    if (action === "fixed") {
      var note = target.parentNode.querySelector(".kb-thanks");
      if (note) {
        note.hidden = false;
      }
      target.disabled = true;
      return;
    }
    if (action === "answer") {
      answer(target.getAttribute("data-key"));
    } else if (action === "jump") {
      jump(Number(target.getAttribute("data-step")));
    } else if (action === "back") {
      jump(pos - 1);
    } else if (action === "restart") {
      restart();
    } else if (action === "print") {
      window.print();
    } else if (action === "copy") {
      var node = nodeOf(nodeAt(pos));
      var box = app.querySelector(".kb-copied");
      var area = document.getElementById("kb-copy-text");
      area.value = copyText(node, app);
      box.hidden = false;
      area.focus();
      area.select();
      var done = function () { target.textContent = "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(area.value).then(done, function () {});
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    }
  });

  app.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (target.classList && target.classList.contains("kb-answer")) {
      var visible = visibleAnswers();
      var at = visible.indexOf(target);
      var to = -1;
      if (event.key === "ArrowDown") {
        to = Math.min(at + 1, visible.length - 1);
      } else if (event.key === "ArrowUp") {
        to = at - 1;
      } else if (event.key === "Home") {
        to = 0;
      } else if (event.key === "End") {
        to = visible.length - 1;
      }
      if (to >= 0) {
        event.preventDefault();
        visible[to].focus();
      } else if (event.key === "ArrowUp" && document.getElementById("kb-filter")) {
        event.preventDefault();
        document.getElementById("kb-filter").focus();
      }
    }
  });

  window.addEventListener("popstate", fromLocation);
  window.addEventListener("hashchange", fromLocation);

  function start() {
    try {
      history.replaceState({ kbTree: true }, "", location.href);
    } catch (err) {
      // some browsers refuse it on file: pages
    }
    trail = parse(location.hash);
    pos = trail.length;
    shown = location.hash.indexOf("#/") === 0 ? location.hash : "";
    render();
    if (pos > 0 || partial) {
      focusHeading();
    }
    app.setAttribute("data-ready", "");
    if (window.performance && performance.mark) {
      performance.mark("kb-tree-ready");
    }
  }

  // The second piece of the data: each part's nodes and the rest of its strings, and the
  // lookup index. Then an answer given meanwhile takes effect, and the page catches up
  // with its address.
  function openRest(rest) {
    if (rest.parts.length !== data.parts.length) {
      throw new Error("the data's pieces do not match");
    }
    rest.parts.forEach(function (part, i) {
      data.parts[i].strings = data.parts[i].strings.concat(part.strings);
      data.parts[i].nodes = part.nodes;
    });
    if (rest.lookup && !window.KB_LOOKUP_INDEX) {
      window.KB_LOOKUP_INDEX = rest.lookup;
    }
    complete = true;
    app.setAttribute("data-open", "");
  }

  function failed() {
    app.textContent = "";
    app.appendChild(el("p", "kb-notice", unreachable ?
      "The rest of the troubleshooter's data could not be loaded. Reload this page, or " +
      "open the troubleshooter as one file." :
      "This browser could not open the troubleshooter's " +
      "data. Open this " + (packedData ? "file" : "page") + " in a current browser" +
      (packedData ? ", or use the knowledge base's site." : ".")));
  }

  // The data's second piece, as text: in the one file, after this script (the first
  // question can show while the browser still receives it); on the site page, from the
  // script #kb-tree's data-rest names (relative to data-base), loaded when asked for.
  function restPiece() {
    if (typeof window.kbTreeRest === "string") {
      return Promise.resolve(window.kbTreeRest);
    }
    if (packedData) {
      return new Promise(function (resolve, reject) {
        function read() {
          var node = document.getElementById("kb-tree-rest");
          if (node) {
            resolve(node.textContent);
          } else {
            reject(new Error("the data's second piece is missing"));
          }
        }
        if (document.readyState === "loading") {
          document.addEventListener("DOMContentLoaded", read);
        } else {
          read();
        }
      });
    }
    var name = app.getAttribute("data-rest");
    return new Promise(function (resolve, reject) {
      if (!name) {
        reject(new Error("the data's second piece is missing"));
        return;
      }
      var script = document.createElement("script");
      script.src = base + name;
      script.onload = function () {
        if (typeof window.kbTreeRest === "string") {
          resolve(window.kbTreeRest);
        } else {
          reject(new Error("the data's second piece is missing"));
        }
      };
      script.onerror = function () {
        unreachable = true;
        reject(new Error("the data's second piece did not load"));
      };
      document.head.appendChild(script);
    });
  }

  // `fn` once the page has drawn a frame (or after a tenth of a second, whichever comes
  // first: a page in a background tab draws none).
  function afterPaint(fn) {
    var done = false;
    function go() {
      if (!done) {
        done = true;
        fn();
      }
    }
    if (window.requestAnimationFrame && !document.hidden) {
      requestAnimationFrame(function () { setTimeout(go, 0); });
    }
    setTimeout(go, 100);
  }

  openPacked(packedText).then(function (payload) {
    data = unpack(payload.tree);
    // An address with answers in it waits for the whole data; else the first question
    // shows now, and the rest is loaded and opened once it is drawn (parsing it holds the
    // page, and a reader waits for the first piece's bytes alone).
    var deep = location.hash.indexOf("#/") === 0;
    if (!deep) {
      start();
    }
    return new Promise(function (resolve) {
      if (deep) {
        resolve();
      } else {
        afterPaint(resolve);
      }
    }).then(restPiece).then(openPacked).then(function (rest) {
      openRest(rest);
      if (deep) {
        start();
        return;
      }
      if (waiting !== null) {
        answer(waiting);
        waiting = null;
      }
      fromLocation();
      var filter = document.getElementById("kb-filter");
      if (filter && filter.value) {
        filter.dispatchEvent(new Event("input"));
      }
    });
  }).catch(failed);
})();
