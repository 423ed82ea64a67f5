// Pagefind's excerpt function (build_excerpt in pagefind.js and pagefind-worker.js), with
// the same arguments and the same results, reading a page's words once instead of once per
// call. Pagefind calls it for the page and again for each of its sections that holds a word
// searched for, and its own version splits the whole page into words every time: a result
// on a topic page of a hundred entries took tens of milliseconds to show, growing with the
// square of the page's length. The build puts this function in place of Pagefind's
// (generator/features/search/site.py); tests/test_search_index.py compares the two.
var build_excerpt = (function () {
  var last = null;
  function wordsOf(content) {
    if (last === null || last.content !== content) {
      var zws = content.includes("\u200B");
      last = { content: content, zws: zws,
        words: zws ? content.split("\u200B") : content.split(/[\r\n\s]+/g) };
    }
    return last;
  }
  return function (content, start, length, locations, not_before, not_from) {
    var read = wordsOf(content);
    var words = read.words;
    var endcap = not_from ?? words.length;
    var startcap = not_before ?? 0;
    if (endcap - startcap < length) length = endcap - startcap;
    if (start + length > endcap) start = endcap - length;
    if (start < startcap) start = startcap;
    var joiner = read.zws ? "" : " ";
    var plain_excerpt = words.slice(start, start + length).join(joiner).trim();
    var part;
    var plain = start >= 0 && locations.every(function (at) {
      return Number.isInteger(at) && at >= 0 && at < words.length;
    });
    if (plain) {
      // Only the words shown are marked: the page's words stay as they were read.
      var marked = new Set(locations);
      part = words.slice(start, start + length);
      for (var i = 0; i < part.length; i++) {
        if (marked.has(start + i) && !part[i].startsWith("<mark>")) {
          part[i] = "<mark>" + part[i] + "</mark>";
        }
      }
    } else {
      // Anything else (a location past the last word, a start before the first) as
      // Pagefind's own version does it, on a copy of the words.
      var copy = words.slice();
      for (var word of locations) {
        if (copy[word]?.startsWith("<mark>")) continue;
        copy[word] = "<mark>" + copy[word] + "</mark>";
      }
      part = copy.slice(start, start + length);
    }
    return { excerpt: part.join(joiner).trim(), plain_excerpt: plain_excerpt };
  };
})();
