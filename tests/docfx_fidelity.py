"""Fidelity of DocFX articles: built for every version, checked against independent expectations.

Run `python -m tests.docfx_fidelity [FOLDER ...]` to print, per page, what differs and
"N of M pages fully correct" (default: the shared DocFX corpus). The articles are put in
the `content/` of a fresh knowledge base (folders kept, so includes resolve), validated and
rendered into every version's Markdown tree by the generator; each page is then turned
into HTML by Python-Markdown with the site's extensions, as MkDocs does.

The expectations come from the source alone, without the generator: the front matter's
range and the moniker zones (a small evaluator below), a CommonMark parser's reading of the
source with includes pasted in, the source's headings (GitHub-style ids) and `<a name>`s.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from selectolax.lexbor import LexborHTMLParser

from tests.markdown_structure import ROOT, commonmark, python_markdown

MONIKERS = ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018", "azure-devops-2019",
            "azure-devops-2020", "azure-devops-2022", "azure-devops"]
LEFTOVERS = ("[!NOTE]", "[!TIP]", "[!IMPORTANT]", "[!CAUTION]", "[!WARNING]", "[!INCLUDE",
             "[!div", "[!VIDEO", "[!code", ":::")
ZONE_OPEN = re.compile(r'^\s*(?:>\s*)*:{3,}\s*moniker\s+range\s*=\s*["\']([^"\']*)["\']', re.I)
ZONE_END = re.compile(r"^\s*(?:>\s*)*:{3,}\s*moniker-end", re.I)
INCLUDE = re.compile(r"^(\s*)\[!INCLUDE\s*\[[^\]]*\]\(([^)]*)\)\]\s*$", re.I)
ALERT = re.compile(r"^\s*(?:>\s*)+\[!(NOTE|TIP|IMPORTANT|CAUTION|WARNING)\]", re.I)
IMAGE = re.compile(r":::image\s[^:]*?source=\"([^\"]*)\"[^:]*?:::", re.I)
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
ANCHOR = re.compile(r'<a\s+(?:name|id)="([^"]+)"')


def in_range(moniker: str, text: str) -> bool:
    """DocFX's range grammar: `||` between sets, a set holds every comparator."""
    index = MONIKERS.index(moniker)
    for part in text.split("||"):
        tokens = re.findall(r"(<=|>=|<|>|=)?\s*([\w.-]+)", part)
        if tokens and all(_compare(index, op or "=", MONIKERS.index(name.lower()))
                          for op, name in tokens):
            return True
    return False


def _compare(index: int, op: str, other: int) -> bool:
    return {"=": index == other, "<": index < other, "<=": index <= other,
            ">": index > other, ">=": index >= other}[op]


def gfm_id(text: str) -> str:
    return "".join("-" if c == " " else c.lower() if c.isalnum() or c in "-_" else ""
                   for c in text)


def front_matter(text: str) -> tuple[dict[str, object], list[str]]:
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        return yaml.safe_load("\n".join(lines[1:end])) or {}, lines[end + 1:]
    return {}, lines


def expand(path: Path, moniker: str, depth: int = 0) -> list[str]:
    """The source for one version: hidden zones removed, block includes pasted in."""
    _, lines = front_matter(path.read_text(encoding="utf-8"))
    out, stack, fence = [], [True], ""
    for line in lines:
        bare = line.lstrip(" >")
        if fence or bare.startswith(("```", "~~~")):
            if not fence:
                fence = bare[:3]
            elif bare.startswith(fence):
                fence = ""
            if all(stack):
                out.append(line)
            continue
        if (zone := ZONE_OPEN.match(line)) is not None:
            stack.append(in_range(moniker, zone[1]))
            out.append("")
            continue
        if ZONE_END.match(line):
            stack.pop()
            out.append("")
            continue
        if not all(stack):
            continue
        if (include := INCLUDE.match(line)) is not None and depth < 8:
            target = (path.parent / include[2].strip()).resolve()
            if target.is_file():
                out.extend(["", *(include[1] + x if x.strip() else ""
                                  for x in expand(target, moniker, depth + 1)), ""])
                continue
        out.append(IMAGE.sub(lambda m: f"![]({m[1]})", line))
    return out


@dataclass
class PageResult:
    """What differs for one page, per version (an empty list: correct)."""

    page: str
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return not any(self.problems.values())


def _li_depths(tree: LexborHTMLParser) -> Counter[int]:
    depths: Counter[int] = Counter()
    for li in tree.css("li"):
        depth, node = 0, li.parent
        while node is not None:
            depth += node.tag == "li"
            node = node.parent
        depths[depth] += 1
    return depths


def check_page(source: Path, rel: str, trees: dict[str, dict[str, bytes]],
               diagnostics: list[str]) -> PageResult:
    """One article against its expectations, in every version."""
    result = PageResult(rel)
    meta, _ = front_matter(source.read_text(encoding="utf-8")) if source.is_file() else ({}, [])
    scope = str(meta.get("monikerRange") or ">= tfs-2013")
    errors = [d for d in diagnostics if ": error: " in d]
    for moniker in MONIKERS:
        problems = result.problems.setdefault(moniker, [])
        if not source.is_file():
            problems.extend(errors)
            continue
        built = trees[moniker].get(rel)
        if not in_range(moniker, scope):
            if built is not None:
                problems.append("present in a version its monikerRange leaves out")
            continue
        if built is None:
            problems.append("missing")
            continue
        problems.extend(errors)
        expected_md = "\n".join(expand(source, moniker))
        reference = LexborHTMLParser(commonmark(expected_md))
        html = python_markdown(built.decode("utf-8"))
        tree = LexborHTMLParser(html)
        text = tree.body.text() if tree.body else ""
        for leftover in LEFTOVERS:
            if leftover.lower() in "".join(n.text() for n in tree.css("p, li, h1, h2, h3, h4, td")
                                           ).lower():
                problems.append(f"raw DocFX syntax left: {leftover}")
        ref_text = reference.body.text() if reference.body else ""
        for line in expected_md.split("\n"):
            if "[!VIDEO" in line.upper():  # a video becomes a link: its URL is not text
                continue
            words = re.sub(r"[^\w]+", " ", line).split()
            if len(words) >= 6 and " ".join(words[:6]) not in re.sub(r"[^\w]+", " ", text):
                if " ".join(words[:6]) in re.sub(r"[^\w]+", " ", ref_text):
                    problems.append(f"text missing: {' '.join(words[:6])}")
        ids = {n.attributes.get("id") for n in tree.css("[id]")} | \
            {n.attributes.get("name") for n in tree.css("a[name]")}
        seen: Counter[str] = Counter()
        for line in expected_md.split("\n"):
            heading = HEADING.match(line)
            if heading:
                plain = re.sub(r"<[^>]+>|[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", heading[2])
                base = gfm_id(plain) or "section"
                wanted = base if not seen[base] else f"{base}-{seen[base]}"
                seen[base] += 1
                if wanted not in ids:
                    problems.append(f"heading id missing: #{wanted}")
            for anchor in ANCHOR.findall(line):
                if anchor not in ids:
                    problems.append(f"anchor missing: {anchor}")
        alerts = sum(1 for line in expected_md.split("\n") if ALERT.match(line))
        if len(tree.css("div.admonition")) != alerts:
            problems.append(f"admonitions: {len(tree.css('div.admonition'))}, alerts: {alerts}")
        for what in ("pre", "table", "td", "th", "img"):
            mine, ref = len(tree.css(what)), len(reference.css(what))
            if mine != ref:
                problems.append(f"{what}: {mine}, expected {ref}")
        if _li_depths(tree) != _li_depths(reference):
            problems.append(f"list items per depth: {dict(_li_depths(tree))}, expected "
                            f"{dict(_li_depths(reference))}")
    return result


def build(folders: list[Path], work: Path) -> tuple[dict[str, dict[str, bytes]], list[str],
                                                    list[tuple[Path, str]]]:
    """A knowledge base holding the folders under content/, rendered for every version."""
    from generator.catalogue.validate import load_catalogue
    from generator.core.diagnostics import Diagnostics
    from generator.core.project import Project
    from generator.site.trees import render_trees

    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    (work / "catalogue").mkdir()
    shutil.copy(ROOT / "catalogue" / "products.yml", work / "catalogue" / "products.yml")
    (work / "content").mkdir()
    (work / "content" / "index.md").write_text("# Articles\n", encoding="utf-8")
    for folder in folders:
        shutil.copytree(folder, work / "content" / folder.name)
    project = Project(work)
    set_aside: list[str] = []
    while True:  # a page whose front matter cannot be read is set aside, with the reason
        diagnostics = Diagnostics()
        catalogue = load_catalogue(project, diagnostics, markdown=False, jobs=1)
        bad = [d for d in diagnostics.items if d.subject == "front matter"]
        if catalogue is not None or not bad:
            break
        for problem in bad:
            (work / problem.loc.path).unlink()
            set_aside.append(problem.format())
    found = set_aside + [d.format() for d in diagnostics.items]
    if catalogue is None:
        raise SystemExit("\n".join(found))
    trees, rendered = render_trees(project, catalogue, [], jobs=1)
    found += [d.format() for d in rendered.items]
    pages = [(work / "content" / page.path, page.path) for page in catalogue.pages
             if page.path != "index.md"]
    pages += [(Path(d.split(":")[0]), d.split(":")[0].removeprefix("content/"))
              for d in set_aside]
    return {t.moniker: t.files for t in trees}, found, pages


def run(folders: list[Path]) -> list[PageResult]:
    with tempfile.TemporaryDirectory() as tmp:
        trees, diagnostics, pages = build(folders, Path(tmp))
        results = []
        for source, rel in pages:
            mine = [d for d in diagnostics if d.startswith(f"content/{rel}:")]
            results.append(check_page(source, rel, trees, mine))
        return results


def main(argv: list[str]) -> int:
    corpus = ROOT.parent / "shared" / "docfx-corpus"
    folders = [Path(a) for a in argv] or [corpus / "SupportArticles-docs" / "support",
                                          corpus / "entra-docs" / "docs"]
    results = run(folders)
    for result in results:
        for moniker, problems in result.problems.items():
            for problem in dict.fromkeys(problems):
                print(f"{result.page} [{moniker}]: {problem}")
    good = sum(r.correct for r in results)
    print(f"{good} of {len(results)} pages fully correct")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
