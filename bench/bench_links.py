"""kb check-links against linkchecker (PyPI), and its throughput on a synthetic site.

1. The planted-defect fixture site (tests/fixtures/links/site) and the shipped knowledge
   base, both built with the real `kb build`, are checked by `kb check-links` and by
   linkchecker (local files, anchor checking on, 2 threads): what each finds, and the
   time ratio. linkchecker is installed by this benchmark into its own virtualenv under
   bench/out/ (pinned below), never into .venv.
2. A synthetic site of 8 versions x 1,000 pages, made from the real built topic page of
   each version with cross-page links added (and one planted broken fragment per
   version), is checked by `kb check-links` on 2 processes: links checked per second.
Results go to bench/out/links.json.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
WORK = OUT / "links-work"
LINKCHECKER = "linkchecker==10.6.0"
VENV = OUT / "linkchecker-venv"
PAGES = 1000
GOAL_RATE = 50_000
GOAL_RATIO = 20


def kb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1800)


def linkchecker() -> Path:
    """linkchecker in its own virtualenv under bench/out/ (created on first use)."""
    exe = VENV / "bin" / "linkchecker"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", LINKCHECKER],
                       check=True)
    return exe


def built(name: str, sources: list[Path]) -> Path:
    """A repository copied from `sources` and built with kb build; returns its folder."""
    repo = WORK / name
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    for source in sources:
        for part in ("mkdocs.yml", "catalogue", "content", "overrides"):
            if (source / part).is_dir():
                shutil.copytree(source / part, repo / part, dirs_exist_ok=True)
            elif (source / part).is_file():
                shutil.copy(source / part, repo / part)
    run = kb("build", cwd=repo)
    if run.returncode != 0:
        raise SystemExit(f"kb build failed in {repo}:\n{run.stderr}")
    return repo


def run_kb(repo: Path) -> dict[str, object]:
    start = time.perf_counter()
    run = kb("check-links", "--jobs", "2", cwd=repo)
    seconds = time.perf_counter() - start
    found = [line for line in run.stderr.splitlines() if ": error: " in line
             or ": warning: " in line]
    return {"seconds": round(seconds, 3), "findings": found, "summary":
            run.stderr.splitlines()[-1] if run.stderr else ""}


def run_linkchecker(repo: Path) -> dict[str, object]:
    """linkchecker on every page of the site (local files, anchors checked, 2 threads)."""
    exe = linkchecker()
    config = WORK / "linkcheckerrc"
    config.write_text("[checking]\nthreads=2\n[filtering]\ncheckextern=0\n[AnchorCheck]\n")
    for path in (WORK, *WORK.rglob("*")):  # linkchecker run as root drops to 'nobody'
        path.chmod(path.stat().st_mode | 0o005 | (0o040 if path.is_dir() else 0o004))
    pages = sorted(str(p) for p in (repo / "site").rglob("*.html"))
    start = time.perf_counter()
    run = subprocess.run([str(exe), "-f", str(config), "--no-status", "-o", "csv", *pages],
                         capture_output=True, text=True, timeout=7200)
    seconds = time.perf_counter() - start
    rows = [line for line in run.stdout.splitlines() if not line.startswith("#")]
    found = []
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        warning = row.get("warningstring") or ""
        if row.get("valid") == "False" or "not found" in warning.lower():
            found.append(f"{row.get('parentname')} -> {row.get('urlname')}: "
                         f"{(row.get('result') or '').strip()} {warning.strip()}".strip())
    return {"seconds": round(seconds, 3), "findings": sorted(set(found))}


PLANTED = {
    "missing page": "nowhere.md",
    "missing fragment": "#no-such-section",
    "fragment only in another version": "#timeout",
    "case mismatch": "#Disk-Full",
    "name on a <span>, not an <a>": "#span-anchor",
    "target excluded from the version": "faq.md",
    "link into another version": "../../demo-2/faq/",
    "missing image": "media/missing.png",
}


def found_by(findings: list[str], needle: str) -> bool:
    return any(needle in line for line in findings)


def synthetic(shipped: Path, pages: int = PAGES, name: str = "synthetic") -> Path:
    """8 versions x `pages` pages made from each version's real built topic page."""
    site = WORK / name / "site"
    if site.parent.exists():
        shutil.rmtree(site.parent)
    shutil.copytree(shipped / "site", site)
    shutil.copy(shipped / "mkdocs.yml", site.parent / "mkdocs.yml")
    shutil.copytree(shipped / "catalogue", site.parent / "catalogue")
    fallback = (site / "tfs-2015" / "azure-rm-endpoint" / "index.html").read_text()
    for version in json.loads((site / "versions.json").read_text()):
        name = version["version"]
        page = site / name / "azure-rm-endpoint" / "index.html"
        if not page.exists():  # a version without the topic gets one, so its nav holds
            page.parent.mkdir(parents=True)
            page.write_text(fallback.replace("/tfs-2015/", f"/{name}/"))
        template = page.read_text()
        head, _, tail = template.rpartition("</article>")
        for i in range(pages):
            extra = "".join(f'<a href="../page-{(i * 7 + k) % pages:04d}/#privileges">p</a>'
                            f'<a href="../page-{(i + k + 1) % pages:04d}/#whathappens">q</a>'
                            for k in range(5))
            if i == 1:
                extra += '<a href="../page-0002/#no-such-anchor">planted</a>'
            folder = site / name / f"page-{i:04d}"
            folder.mkdir()
            (folder / "index.html").write_text(head + extra + "</article>" + tail)
    return site.parent


def _cpu() -> float:
    """CPU seconds used by this process and its finished children (the parsing workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    fixture = built("fixture", [ROOT / "tests" / "fixtures" / "links" / "site"])
    shipped = built("shipped", [ROOT])
    results: dict[str, object] = {"cpus": os.cpu_count(), "linkchecker": LINKCHECKER}
    for name, repo in (("fixture", fixture), ("shipped", shipped)):
        ours, theirs = run_kb(repo), run_linkchecker(repo)
        row: dict[str, object] = {
            "kb_seconds": ours["seconds"], "linkchecker_seconds": theirs["seconds"],
            "ratio": round(float(theirs["seconds"]) / float(ours["seconds"]), 1),
            "kb_findings": len(ours["findings"]),  # type: ignore[arg-type]
            "linkchecker_findings": len(theirs["findings"]),  # type: ignore[arg-type]
        }
        if name == "fixture":
            row["planted"] = {
                defect: {"kb": found_by(ours["findings"], needle),  # type: ignore[arg-type]
                         "linkchecker": found_by(theirs["findings"], needle)}  # type: ignore[arg-type]
                for defect, needle in PLANTED.items()}
        row["linkchecker_found"] = theirs["findings"]
        results[name] = row
        print(f"{name}: kb check-links {ours['seconds']} s, {row['kb_findings']} findings; "
              f"linkchecker {theirs['seconds']} s, {row['linkchecker_findings']} findings; "
              f"linkchecker/kb = {row['ratio']}x", flush=True)
        if name == "fixture":
            for defect, seen in row["planted"].items():  # type: ignore[attr-defined]
                print(f"  {defect}: kb {'found' if seen['kb'] else 'MISSED'}, linkchecker "
                      f"{'found' if seen['linkchecker'] else 'missed'}")
    repo = synthetic(shipped)
    from generator.features.links.site import Options, check_site

    cpu_before = _cpu()
    start = time.perf_counter()
    report = check_site(repo / "site", Options(site_url="https://kb.example.org/", jobs=2))
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu_before
    rate = report.links / seconds
    load = os.getloadavg()[0]
    results["synthetic"] = {
        "versions": len(report.versions), "pages": report.pages, "links": report.links,
        "internal": report.internal, "fragments": report.fragments,
        "seconds": round(seconds, 2), "links_per_second": round(rate),
        "cpu_seconds": round(cpu, 2), "links_per_cpu_second": round(report.links / cpu),
        "load_average": round(load, 2), "errors": len(report.errors),
    }
    print(f"synthetic: {report.pages:,} pages in {len(report.versions)} versions, "
          f"{report.links:,} links ({report.internal:,} internal, {report.fragments:,} "
          f"fragments) in {seconds:.2f} s on 2 processes: {rate:,.0f} links/s; "
          f"{len(report.errors)} errors (8 planted); {cpu:.1f} CPU s in all processes "
          f"({report.links / cpu:,.0f} links per CPU second), load average {load:.1f} on "
          f"{os.cpu_count()} cores", flush=True)
    # The same comparison on a synthetic site large enough that start-up costs of both
    # tools matter less: 8 versions x 10 generated pages (plus the real ones).
    sliced = synthetic(shipped, 10, "synthetic-slice")
    ours, theirs = run_kb(sliced), run_linkchecker(sliced)
    results["synthetic_slice"] = {
        "kb_seconds": ours["seconds"], "linkchecker_seconds": theirs["seconds"],
        "ratio": round(float(theirs["seconds"]) / float(ours["seconds"]), 1),
        "kb_findings": len(ours["findings"]),  # type: ignore[arg-type]
        "linkchecker_findings": len(theirs["findings"]),  # type: ignore[arg-type]
        "linkchecker_found": theirs["findings"],
    }
    print(f"synthetic slice (8 x 10 pages): kb check-links {ours['seconds']} s, "
          f"{len(ours['findings'])} findings; linkchecker {theirs['seconds']} s, "  # type: ignore[arg-type]
          f"{len(theirs['findings'])} findings; linkchecker/kb = "  # type: ignore[arg-type]
          f"{results['synthetic_slice']['ratio']}x", flush=True)  # type: ignore[index]
    shutil.rmtree(sliced)
    (OUT / "links.json").write_text(json.dumps(results, indent=2) + "\n")
    planted = results["fixture"]["planted"].values()  # type: ignore[index]
    ok = rate >= GOAL_RATE and len(report.errors) == 8 and all(p["kb"] for p in planted) \
        and float(results["synthetic_slice"]["ratio"]) >= GOAL_RATIO  # type: ignore[index]
    print(f"goals (>= {GOAL_RATE:,} links/s on the synthetic site, >= {GOAL_RATIO}x "
          f"linkchecker on the synthetic slice, every planted defect found): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
