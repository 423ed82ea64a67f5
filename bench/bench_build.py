"""Generator overhead against MkDocs, on synthetic catalogues of 100 and 1,000 entries,
and the full build time of the shipped knowledge base.

The synthetic catalogue spreads entries over topics with ranges across the eight
versions, version-specific steps and moniker zones, like the shipped one. Reported:
load + validate + render seconds on one core against the MkDocs seconds of the same
pages (summed over versions), and the generator's share of a full `kb build`, which runs
topics, versions and MkDocs builds on every core.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from synthetic import repo_frame

from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.site.build import build_site
from generator.site.checks import load_checked
from generator.site.trees import render_trees

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MONIKERS = ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018", "azure-devops-2019",
            "azure-devops-2020", "azure-devops-2022", "azure-devops"]


def synthetic_repo(target: Path, entries: int, per_topic: int = 50, seed: int = 7) -> Path:
    """A repository with `entries` generated entries in topics of `per_topic`."""
    rng = random.Random(seed)
    repo_frame(target)
    topics = max(1, entries // per_topic)
    for t in range(topics):
        folder = target / "catalogue" / f"topic-{t:03d}"
        folder.mkdir()
        (folder / "_topic.yml").write_text(
            f"id: topic-{t:03d}\ntitle: Synthetic topic {t}\nintro: Errors of area {t}.\n"
            "sections:\n  - id: errors\n    title: Errors on this page\n    list_errors: true\n")
        for e in range(per_topic if t < topics - 1 else entries - per_topic * (topics - 1)):
            lo = rng.randrange(0, 6)
            ident = f"e{t:03d}x{e:03d}"
            zone_at = MONIKERS[rng.randrange(lo, 8)]
            (folder / f"{ident}.yml").write_text(f"""id: {ident}
title: Synthetic error {t}-{e} while saving the connection
applies_to: ">= {MONIKERS[lo]}"
messages:
  - "ERR{t:03d}{e:03d}: The operation on resource {{name}} failed with code {rng.randrange(1000)}"
summary: |
  This error appears when the service cannot finish step {e} of the process.

  ::: moniker range=">= {zone_at}"
  > [!NOTE]
  > Newer versions retry the operation {rng.randrange(2, 9)} times first.
  ::: moniker-end
causes:
  - id: {ident}-a
    title: The account lacks permission {e}
    check: Does the account lack permission {e}?
    fixes:
      - title: Grant the permission
        steps:
          - Open **Settings** and select **Permissions**.
          - text: Select **Grant** for permission {e}.
            applies_to: "< azure-devops"
          - text: Select **Assign role** and choose the role for permission {e}.
            applies_to: "azure-devops"
          - Save and retry the operation.
        takes_effect: After about {rng.randrange(5, 30)} minutes.
  - id: {ident}-b
    title: The resource {e} was deleted
    check: Was the resource deleted?
    fixes:
      - title: Recreate the resource
        steps: ["Create the resource again with the same name.", "Retry the operation."]
      - title: Point the connection elsewhere
        steps: ["Edit the connection.", "Choose another resource.", "Save."]
""")
    return target


def measure(entries: int, jobs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        project = Project(synthetic_repo(Path(tmp), entries))
        # The generator alone, on one core: load + validate + render of all 8 versions.
        start = time.perf_counter()
        diagnostics = Diagnostics()
        catalogue = load_checked(project, diagnostics, FEATURES, markdown=False, jobs=1)
        assert catalogue is not None, [d.format() for d in diagnostics.sorted()][:5]
        render_trees(project, catalogue, FEATURES, jobs=1)
        serial = time.perf_counter() - start
        # The full build as `kb build` runs it: the generator's stages, then MkDocs.
        with open(os.devnull, "w") as quiet:
            report = build_site(project, FEATURES, jobs=jobs, force=True, out=quiet)
        mkdocs_cpu = sum(report.seconds.values())
        return {
            "entries": entries,
            "generator_1core_s": round(serial, 3),
            "mkdocs_cpu_s": round(mkdocs_cpu, 3),
            "generator_vs_mkdocs_cpu": round(serial / mkdocs_cpu, 4),
            "generator_in_build_s": round(report.render_seconds, 3),
            "full_build_s": round(report.total_seconds, 3),
            "overhead": round(report.render_seconds / report.total_seconds, 4),
        }


def shipped_build(jobs: int) -> float:
    with tempfile.TemporaryDirectory(prefix="kb-bench-shipped-") as tmp:
        for part in ("mkdocs.yml", "overrides", "catalogue", "content"):
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy)(src, Path(tmp) / part)
        with open(os.devnull, "w") as quiet:
            report = build_site(Project(Path(tmp)), FEATURES, jobs=jobs, force=True, out=quiet)
        return report.total_seconds


def main(argv: list[str]) -> int:
    jobs = os.cpu_count() or 1
    rows = [measure(n, jobs) for n in (100, 1000)]
    shipped = shipped_build(jobs)
    print("generator = load + validate + render of every version; overhead = the generator's "
          "share of the full build's wall time")
    print(f"{'entries':>8} {'gen 1 core s':>13} {'mkdocs cpu s':>13} {'ratio':>6} "
          f"{'gen in build s':>15} {'build s':>8} {'overhead':>9}")
    for row in rows:
        print(f"{row['entries']:>8} {row['generator_1core_s']:>13.2f} "
              f"{row['mkdocs_cpu_s']:>13.2f} {row['generator_vs_mkdocs_cpu']:>6.1%} "
              f"{row['generator_in_build_s']:>15.2f} {row['full_build_s']:>8.2f} "
              f"{row['overhead']:>9.1%}")
    print(f"shipped knowledge base, all 8 versions, {jobs} jobs: {shipped:.1f} s")
    goal_overhead = rows[-1]["overhead"] <= 0.10
    goal_shipped = shipped < 60
    print(f"goal overhead <= 10% at 1,000 entries: {'met' if goal_overhead else 'NOT met'}; "
          f"goal shipped build < 60 s: {'met' if goal_shipped else 'NOT met'}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "build.json").write_text(json.dumps(
        {"cpus": jobs, "rows": rows, "shipped_build_s": round(shipped, 2)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
