// The one-file troubleshooter's inflater (tree.js gunzip) against zlib on texts of every
// kind of DEFLATE block; run by tests/test_tree_export.py with node, the file as argument.
const fs = require("fs");
const zlib = require("zlib");
const src = fs.readFileSync(process.argv[2], "utf8");
const a = src.indexOf("  function gunzip(src)");
const b = src.indexOf("  // ------------------------------------------------------------- the model");
const code = src.slice(a, b > a ? b : src.indexOf("  function answer(key)"));
const mod = new Function(code + "; return {gunzip: gunzip};")();
let ok = 0;
for (const level of [0, 1, 6, 9]) {
  for (const text of ["", "a", "hello hello hello hello", fs.readFileSync(process.argv[2], "utf8").repeat(3), JSON.stringify(Array.from({length: 20000}, (_, i) => ({k: "e" + i, l: "Error " + (i * 7919 % 1000)})))]) {
    const gz = zlib.gzipSync(Buffer.from(text), {level});
    const outp = Buffer.from(mod.gunzip(new Uint8Array(gz))).toString();
    if (outp !== text) { console.log("MISMATCH level", level, text.length); process.exit(1); }
    ok++;
  }
}
console.log("ok", ok);
