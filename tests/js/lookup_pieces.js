// Runs the lookup matcher on a version's index two ways: whole, and through the loader
// (generator/features/assets/lookup/loader.js) from the pieces the build writes.
// Usage: node lookup_pieces.js < request.json, where request is
//   {"index": INDEX, "files": {PATH: SCRIPT TEXT}, "queries": [TEXT, ...], "limit": N}
// Prints {"whole": [result per query], "pieces": [result per query],
//         "loaded": [[piece names loaded so far] per query]}.
"use strict";
const path = require("path");
const vm = require("vm");
const assets = path.join(__dirname, "..", "..", "generator", "features", "assets", "lookup");
const fs = require("fs");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const loaded = [];
  const files = request.files;
  // A page without a document: "loading" a piece runs its script from `files`.
  const sandbox = {
    console,
    document: {
      head: { appendChild(script) {
        const name = script.src.replace(/^.*\/assets\/lookup\//, "assets/lookup/");
        loaded.push(name);
        // The whole index, for texts that need more than it weighs.
        const text = files[name] !== undefined ? files[name]
          : "window.KB_LOOKUP_INDEX = " + JSON.stringify(request.index) + ";\n";
        vm.runInContext(text, sandbox);
        script.onload();
      } },
      createElement() { return {}; },
    },
  };
  sandbox.window = sandbox;
  vm.createContext(sandbox);
  vm.runInContext(fs.readFileSync(path.join(assets, "lookup.js"), "utf8"), sandbox);
  vm.runInContext(fs.readFileSync(path.join(assets, "loader.js"), "utf8"), sandbox);
  vm.runInContext(files["assets/lookup/pieces/manifest.js"], sandbox);
  const whole = new sandbox.KBLookup.Matcher(request.index);
  const pieces = sandbox.KBLookupIndex.open("x/assets/lookup/", request.index.moniker);
  const out = { whole: [], pieces: [], loaded: [] };
  for (const query of request.queries) {
    out.whole.push(whole.lookup(query, request.limit));
    pieces.matcherFor(query, (matcher) => { out.pieces.push(matcher.lookup(query, request.limit)); });
    out.loaded.push(loaded.slice());
  }
  process.stdout.write(JSON.stringify(out));
});
