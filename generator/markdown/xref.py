"""Load (xref maps): where DocFX cross references (`xref:uid`, `<xref:uid>`) point.

Input: the xref map files a project lists in mkdocs.yml (`extra.kb.xref_maps`), each in
DocFX's xrefmap format (`references:` with `uid` and `href`, YAML or JSON); output: an
`XrefMap` from uid to href, or a DiagnosticError naming the bad file and line.

An href is used as written when it is a URL or an absolute path; otherwise it names a
page relative to content/ (`concepts/page.md#anchor`) and is rewritten relative to the
page that links to it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
from ..core.yamlsafe import safe_yaml
from .paths import is_relative_reference

SETTING = "extra.kb.xref_maps"


@dataclass(frozen=True)
class XrefMap:
    """uid -> (href, display name); empty when the project configures no map."""

    entries: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def href(self, uid: str, page: str) -> str | None:
        """Where `uid` points, as a link written in the content page `page` (content-relative
        path) must say; None when the map does not know it."""
        found = self.entries.get(uid) or self.entries.get(uid.lower())
        if found is None:
            return None
        href = found[0]
        if not is_relative_reference(href):
            return href
        cut = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
        path, rest = href[:cut], href[cut:]
        if not path:
            return href
        return posixpath.relpath(path, posixpath.dirname(page) or ".") + rest

    def name(self, uid: str) -> str | None:
        found = self.entries.get(uid) or self.entries.get(uid.lower())
        return found[1] if found else None


def configured_maps(settings: Mapping[str, Any]) -> list[str]:
    """The xref map files mkdocs.yml lists under extra.kb.xref_maps."""
    extra = settings.get("extra") or {}
    kb = extra.get("kb") if isinstance(extra, Mapping) else None
    maps = kb.get("xref_maps") if isinstance(kb, Mapping) else None
    if maps is None:
        return []
    if isinstance(maps, str):
        return [maps]
    if isinstance(maps, list):
        return [str(m) for m in maps]
    raise DiagnosticError([_problem(Loc("mkdocs.yml"), f"expected {SETTING} to be a list of "
                                    f"files, found {type(maps).__name__}",
                                    "write xref_maps: [xrefmap.yml]")])


def load(root: Path, files: list[str]) -> XrefMap:
    """Every listed map merged (a later file wins); DiagnosticError on a bad file."""
    diagnostics = Diagnostics()
    entries: dict[str, tuple[str, str]] = {}
    for rel in files:
        path = root / rel
        if not path.is_file():
            diagnostics.error(Loc("mkdocs.yml"), "xref map",
                              f"{SETTING} lists '{rel}', which does not exist",
                              "give a path relative to the repository root")
            continue
        try:
            data = safe_yaml().load(path.read_text(encoding="utf-8"))
        except (YAMLError, OSError, UnicodeDecodeError) as err:
            mark = getattr(err, "problem_mark", None)
            loc = Loc(rel, mark.line + 1, mark.column + 1) if mark is not None else Loc(rel, 1)
            diagnostics.error(loc, "xref map", f"cannot read the xref map: {err}",
                              "write it in DocFX's xrefmap format (references: - uid, href)")
            continue
        references = data.get("references") if isinstance(data, dict) else None
        if not isinstance(references, list):
            diagnostics.error(Loc(rel, 1, 1), "xref map", "expected a 'references' list",
                              "write references: followed by '- uid: ...' and 'href: ...'")
            continue
        for index, item in enumerate(references):
            uid = item.get("uid") if isinstance(item, dict) else None
            href = item.get("href") if isinstance(item, dict) else None
            if not isinstance(uid, str) or not isinstance(href, str) or not uid or not href:
                diagnostics.error(Loc(rel, 1, 1), "xref map",
                                  f"reference {index + 1} needs a 'uid' and an 'href'",
                                  "give every reference both keys")
                continue
            name = item.get("name") if isinstance(item.get("name"), str) else uid
            entries[uid] = (href, str(name))
            entries.setdefault(uid.lower(), (href, str(name)))
    if diagnostics.has_errors():
        raise DiagnosticError(diagnostics.sorted())
    return XrefMap(entries, tuple(files))


def _problem(loc: Loc, message: str, suggestion: str) -> Any:
    found = Diagnostics()
    found.error(loc, "xref map", message, suggestion)
    return found.items[0]
