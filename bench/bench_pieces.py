"""Lookup index in pieces: what a query downloads, on the synthetic catalogue of 10,000
message patterns of bench_lookup.py (5,000 entries), against the whole index.

For each query kind (exact messages, masked messages, near misses, log excerpts), the bytes
a page loads for it (the manifest, then the word pieces and pattern pages the query needs,
as the loader in generator/features/assets/lookup/loader.js decides, run in Node) as a ratio
to the whole index, and whether the results equal the whole index's (they must).
Run: `./dev bench pieces`.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench_lookup import COUNTS, SEED, queries, synthetic

from generator.features.lookup import pieces
from generator.features.lookup.index import build_index

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HARNESS = ROOT / "tests" / "js" / "lookup_pieces.js"
PER_KIND = 40


def main(argv: list[str]) -> int:
    rng = random.Random(SEED)
    catalogue, texts = synthetic(rng)
    index = build_index(catalogue, catalogue, "v1", "")
    whole = len(json.dumps(index, separators=(",", ":")))
    files = pieces.files(index, threshold=0)
    items = queries(rng, texts)
    picked: dict[str, list[str]] = {}
    for kind, text in items:
        if len(picked.setdefault(kind, [])) < PER_KIND:
            picked[kind].append(text)
    node = shutil.which("node")
    if not node:
        print("node is required", file=sys.stderr)
        return 1
    manifest = len(files[pieces.MANIFEST])
    result: dict[str, dict[str, float]] = {}
    same = total = 0
    for kind in COUNTS:
        sizes: list[int] = []
        for text in picked.get(kind, []):
            request = {"index": index, "files": {k: v.decode() for k, v in files.items()},
                       "queries": [text], "limit": 10}
            proc = subprocess.run([node, str(HARNESS)], input=json.dumps(request),
                                  capture_output=True, text=True, check=True)
            out = json.loads(proc.stdout)
            whole_script = len("window.KB_LOOKUP_INDEX = ") + whole + 2
            sizes.append(manifest + sum(len(files[n]) if n in files else whole_script
                                        for n in out["loaded"][0]))
            same += out["whole"][0] == out["pieces"][0]
            total += 1
        sizes.sort()
        result[kind] = {"median_bytes": statistics.median(sizes), "max_bytes": sizes[-1],
                        "median_ratio": round(statistics.median(sizes) / whole, 3),
                        "max_ratio": round(sizes[-1] / whole, 3)}
    summary = {"whole_bytes": whole, "manifest_bytes": manifest,
               "pieces": len(files) - 1, "same_results": f"{same}/{total}", "kinds": result}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "pieces.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"lookup index in pieces, {len(index['patterns'])} patterns: whole index "
          f"{whole:,} bytes; manifest {manifest:,} bytes; {len(files) - 1} pieces")
    for kind, row in result.items():
        print(f"  {kind:6}: median {row['median_bytes']:,.0f} bytes "
              f"({row['median_ratio']}x the whole index), max {row['max_bytes']:,} "
              f"({row['max_ratio']}x)")
    print(f"  results equal to the whole index's: {same}/{total}")
    return 0 if same == total else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
