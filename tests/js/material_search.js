// Runs Material for MkDocs' own search worker (from a built version of the site)
// in Node, so tests rank queries exactly as the browser does.
// Usage: node material_search.js VERSION_DIR QUERY...   -> JSON list, one per query:
//   [{query, results: [{location, title, score}]}] in the order the search box lists them.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [versionDir, ...queries] = process.argv.slice(2);
const workers = path.join(versionDir, "assets", "javascripts", "workers");
const worker = fs.readdirSync(workers).find((f) => /^search\..*\.min\.js$/.test(f));
const index = JSON.parse(
  fs.readFileSync(path.join(versionDir, "search", "search_index.json"), "utf8"),
);

const listeners = [];
const replies = [];
const sandbox = {
  console,
  addEventListener: (type, fn) => listeners.push(fn),
  postMessage: (message) => replies.push(message),
  importScripts: () => {},
};
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(path.join(workers, worker), "utf8"), sandbox);

async function send(message) {
  const before = replies.length;
  for (const fn of listeners) await fn({ data: message });
  while (replies.length === before) await new Promise((r) => setTimeout(r, 1));
  return replies[replies.length - 1];
}

(async () => {
  // Message types of Material's search worker: SETUP 0, READY 1, QUERY 2, RESULT 3.
  // The page adds the options (search.suggest is off in mkdocs.yml).
  await send({ type: 0, data: { ...index, options: { suggest: false } } });
  const out = [];
  for (const query of queries) {
    const reply = await send({ type: 2, data: query });
    // The search box shows groups (one per page) in order; within a group the
    // best-scoring section first.
    const results = [];
    for (const group of reply.data.items)
      for (const item of group)
        results.push({ location: item.location, title: item.title, score: item.score });
    out.push({ query, results });
  }
  process.stdout.write(JSON.stringify(out));
})();
