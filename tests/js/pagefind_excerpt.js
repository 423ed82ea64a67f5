// Pagefind's excerpt function and the one the build puts in its place, called alike; run by
// tests/test_search_index.py with node. Input (stdin, JSON): {"functions": [source, ...],
// "contents": [text, ...], "calls": [[content, start, length, locations, not_before,
// not_from], ...]} (content: an index into contents; null for undefined). Output: for each
// function, what each call returned, in order.
const fs = require("fs");
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const arg = (value) => (value === null ? undefined : value);
const out = request.functions.map((source) => {
  const build_excerpt = new Function(source + "\nreturn build_excerpt;")();
  return request.calls.map(([content, start, length, locations, notBefore, notFrom]) =>
    build_excerpt(request.contents[content], start, length, locations, arg(notBefore),
      arg(notFrom)));
});
process.stdout.write(JSON.stringify(out));
