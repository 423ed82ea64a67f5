// The troubleshooter's base85 reader (tree.js base85Bytes) against the build's writer: run
// by tests/test_tree_export.py with node, with tree.js and a JSON file of [text, hex] pairs
// (and of texts that must be refused) as arguments.
const fs = require("fs");
const src = fs.readFileSync(process.argv[2], "utf8");
const a = src.indexOf("  var BASE85 =");
const b = src.indexOf("  // gzip-compressed JSON, opened");
const mod = new Function(src.slice(a, b) + "; return {base85Bytes: base85Bytes};")();
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
let ok = 0;
for (const [text, hex] of cases.good) {
  const got = Buffer.from(mod.base85Bytes(text)).toString("hex");
  if (got !== hex) {
    console.log("MISMATCH", JSON.stringify(text).slice(0, 80), got.slice(0, 80), hex.slice(0, 80));
    process.exit(1);
  }
  ok++;
}
for (const text of cases.bad) {
  let refused = false;
  try {
    mod.base85Bytes(text);
  } catch (err) {
    refused = true;
  }
  if (!refused) {
    console.log("NOT REFUSED", JSON.stringify(text));
    process.exit(1);
  }
  ok++;
}
console.log("ok", ok);
