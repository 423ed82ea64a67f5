// The troubleshooter's rule for a fix's anchor on its topic page (tree.js fixAnchor), run
// by tests/test_tree_export.py with node, with tree.js and a JSON file of
// [cause's anchor, fix's heading, anchor written in the data or "", the anchor] cases.
const fs = require("fs");
const src = fs.readFileSync(process.argv[2], "utf8");
const a = src.indexOf("  function fixAnchor(");
const b = src.indexOf("  // Each fix of a cause end gets its link");
if (a < 0 || b < a) {
  console.log("fixAnchor not found in tree.js");
  process.exit(1);
}
const fixAnchor = new Function(src.slice(a, b) + "; return fixAnchor;")();
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
let ok = 0;
for (const [cause, heading, written, anchor] of cases) {
  const got = fixAnchor(cause, heading, written);
  if (got !== anchor) {
    console.log("MISMATCH", JSON.stringify([cause, heading, written]), got, anchor);
    process.exit(1);
  }
  ok++;
}
console.log("ok", ok);
