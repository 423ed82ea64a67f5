"""Check (report): findings of the built-site check as diagnostics, traced to their sources.

Input: a site `Report`, the project (to load the catalogue) and the built files; output:
`path:line:col: severity: subject: message; suggestion` diagnostics naming the built page
(its line and column) and, where known, the catalogue or content line the link came from.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...core.diagnostics import Diagnostic, Diagnostics, Loc
from ...core.project import Project
from .site import Finding, Report

if TYPE_CHECKING:
    from .external import ExternalResult
    from .sources import SourceIndex


@dataclass(frozen=True)
class Traced:
    """A diagnostic at the built page, and the same one at its source when known."""

    built: Diagnostic
    source: Diagnostic | None


def html_position(text: str, attr: str, value: str) -> tuple[int, int]:
    """1-based line and column of `attr="value"` (or of the value) in a page's HTML."""
    candidates = [f'{attr}="{v}"' for v in (value, html.escape(value), html.escape(value, False))]
    candidates += [f"{attr}='{value}'", f'"{value}"', value]
    for needle in candidates:
        at = text.find(needle)
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            return line, at - (text.rfind("\n", 0, at) + 1) + 1
    return 0, 0


def _sources(project: Project) -> SourceIndex | None:
    # Imported here: validate imports the links package, and only findings need them.
    from ...catalogue.validate import load_catalogue
    from .sources import SourceIndex

    catalogue = load_catalogue(project, Diagnostics(), markdown=False, jobs=1)
    return SourceIndex(project, catalogue) if catalogue is not None else None


def trace(report: Report, site: Path, project: Project | None) -> list[Traced]:
    """Every finding as a diagnostic at the built page, with its source where known."""
    sources = _sources(project) if project is not None and report.findings else None
    texts: dict[str, str] = {}
    traced = []
    for finding in report.findings:
        path = site / finding.page
        shown = project.rel(path) if project is not None else path.as_posix()
        line = col = 0
        if finding.url and path.is_file():
            if finding.page not in texts:
                texts[finding.page] = path.read_text(encoding="utf-8", errors="replace")
            attr = {"__config": '"search": ', "content": "url=", "loc": "<loc>",
                    "location": '"location": '}.get(finding.attr, finding.attr)
            if attr.endswith(": ") or attr.endswith("=") or attr.endswith(">"):
                line, col = html_position(texts[finding.page], "", attr + _quoted(attr, finding))
            else:
                line, col = html_position(texts[finding.page], attr, finding.url)
        source = None
        if sources is not None and finding.url:
            source = sources.find(finding.page, finding.url, finding.target, finding.fragment)
        traced.append(_diagnostics(finding, Loc(shown, line, col), source))
    return traced


def _quoted(attr: str, finding: Finding) -> str:
    return f'"{finding.url}' if attr.endswith(": ") else finding.url


def _diagnostics(finding: Finding, at: Loc, source: Loc | None) -> Traced:
    subject = f"{finding.kind} '{finding.url}'" if finding.url else finding.kind
    count = f" ({finding.count} times)" if finding.count > 1 else ""
    written = f" (written at {source})" if source is not None else ""
    built = Diagnostic(at, finding.severity, subject,
                       finding.message + count + written, finding.suggestion)
    at_source = None
    if source is not None:
        at_source = Diagnostic(source, finding.severity, subject,
                               f"{finding.message}{count} (in {at.path})", finding.suggestion)
    return Traced(built, at_source)


def external_diagnostics(results: list[ExternalResult], report: Report,
                         project: Project | None, site: Path) -> Diagnostics:
    """A diagnostic per external URL that failed: definite failures are errors."""
    uses = {use.url.partition("#")[0]: use for use in report.external}
    found = Diagnostics()
    for result in results:
        if result.ok:
            continue
        use = uses.get(result.url)
        first = site / use.first_page if use else site
        where = project.rel(first) if project is not None else first.as_posix()
        pages = f"used on {use.pages} page{'s' if use.pages != 1 else ''}" if use else ""
        message = f"{result.describe()}; {pages}" if pages else result.describe()
        add = found.error if result.broken else found.warning
        add(Loc(where), f"external link '{result.url}'", message,
            "fix or remove the link" if result.broken else "check again later")
    return found
