"""Messages: the syntax of message templates, `{name}` and `{name:type}` placeholders.

Input: a message text (or a title, which may name the same variable parts) from the
catalogue; output: its syntax problems (for validation) and the text as readers see it,
each placeholder shown as a marked variable part: `{app_id:quoted}` -> `'‹app id›'`.
The lookup feature compiles the same templates into patterns (`features.lookup.pattern`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.diagnostics import did_you_mean

# The kinds of placeholder: "" (any text within the line), then the typed ones.
PLACEHOLDER_KINDS = ("", "guid", "int", "url", "path", "quoted")

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SyntaxProblem:
    """A malformed placeholder: where in the message text, what, and how to fix it."""

    offset: int
    message: str
    suggestion: str = ""


def syntax_problems(text: str, what: str = "message") -> list[SyntaxProblem]:
    """Problems with the placeholders of a message text (or a title: `what`), in order."""
    problems: list[SyntaxProblem] = []
    names: set[str] = set()
    for found in PLACEHOLDER.finditer(text):
        token = found.group()
        if token in ("{{", "}}"):
            continue
        if token in ("{", "}"):
            problems.append(SyntaxProblem(
                found.start(), f"unmatched '{token}' in {what}",
                "write '{{' or '}}' for a literal brace, or {name} for a placeholder"))
            continue
        name, _, kind = found.group(1).partition(":")
        if not NAME.match(name):
            problems.append(SyntaxProblem(
                found.start(), f"placeholder '{token}' needs a name",
                "write {name} or {name:type}, with letters, digits and '_'; a literal brace "
                "(as in JSON) is written '{{' or '}}'"))
        elif name in names:
            problems.append(SyntaxProblem(
                found.start(), f"placeholder name '{name}' is used twice in {what}",
                "give each placeholder its own name"))
        names.add(name)
        if kind not in PLACEHOLDER_KINDS or (kind == "" and ":" in found.group(1)):
            choices = [k for k in PLACEHOLDER_KINDS if k]
            problems.append(SyntaxProblem(
                found.start() + len(name) + 2, f"unknown placeholder type '{kind}'",
                did_you_mean(kind, choices) or "use one of: " + ", ".join(choices)))
    return problems


def shown(text: str) -> str:
    """A template as readers see it: `{app_id}` -> `‹app id›`, `{app_id:quoted}` ->
    `'‹app id›'`, `{{` -> `{`; assumes no syntax problems."""

    def one(found: re.Match[str]) -> str:
        token = found.group()
        if token in ("{{", "}}") or found.group(1) is None:
            return token[0]
        name, _, kind = found.group(1).partition(":")
        label = f"‹{name.replace('_', ' ').strip()}›"
        return f"'{label}'" if kind == "quoted" else label

    return PLACEHOLDER.sub(one, text)
