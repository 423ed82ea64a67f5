// Runs the site's lookup matcher (generator/features/assets/lookup/lookup.js) in Node.
// Usage: node lookup_run.js < request.json, where request is
//   {"indexes": {NAME: index}, "queries": [{"index": NAME, "input": TEXT, "limit": N}],
//    "normalise": [TEXT, ...]}
// Prints {"lookups": [lookup result per query], "normalised": [line per text]}.
"use strict";
const path = require("path");
const KBLookup = require(path.join(__dirname, "..", "..", "generator", "features", "assets", "lookup",
  "lookup.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const matchers = {};
  for (const [name, index] of Object.entries(request.indexes || {})) {
    matchers[name] = new KBLookup.Matcher(index);
  }
  const lookups = (request.queries || []).map((q) =>
    matchers[q.index].lookup(q.input, q.limit === undefined ? null : q.limit));
  const normalised = (request.normalise || []).map((text) => {
    const line = KBLookup.normaliseLine(text);
    return { text: line.text, values: line.values, raw_words: line.rawWords,
      prefixed: line.prefixed };
  });
  process.stdout.write(JSON.stringify({ lookups, normalised }));
});
