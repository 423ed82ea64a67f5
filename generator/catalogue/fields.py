"""Fields: the catalogue's file formats, declared once as small composable specs.

Input: round-trip YAML nodes (from `load`) and a validation context; output: model
dataclasses plus diagnostics. The same specs generate the JSON Schema for editors
and the field reference, so the three cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.diagnostics import Diagnostics, Loc, did_you_mean
from ..core.versions import MONIKER_NAME, Products, Range, RangeError, parse_range
from . import model
from .load import BlockText, LocList, LocMap, QuotedText
from .messages import shown, syntax_problems

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
ID_RE = re.compile(ID_PATTERN)
# The longest id `kb new` and `kb rename` give: an entry's id is its file name and anchor.
MAX_NEW_ID = 100

INVALID: Any = object()  # returned by a spec when the value had errors


@dataclass
class Ctx:
    """What validation needs besides the node: products, the collector, the subject."""

    diagnostics: Diagnostics
    products: Products | None
    subject: str = ""
    field: str = ""
    lines: tuple[str, ...] = ()  # the source file, to locate text inside block scalars

    def about(self, subject: str, field: str = "") -> Ctx:
        return Ctx(self.diagnostics, self.products, subject, field, self.lines)

    @property
    def where(self) -> str:
        """' for 'title'' when a field is being checked, else nothing."""
        return f" for '{self.field}'" if self.field else ""


def node_loc(path: str, node: Any) -> Loc:
    """Where a mapping or sequence starts (1-based)."""
    if isinstance(node, (LocMap, LocList)):
        return Loc(path, node.line + 1, node.col + 1)
    return Loc(path, 1, 1)


def key_loc(path: str, mapping: LocMap, key: str) -> Loc:
    line, col = mapping.key_at(key)
    return Loc(path, line + 1, col + 1)


def value_loc(path: str, mapping: LocMap, key: str) -> Loc:
    line, col = mapping.value_at(key)
    return Loc(path, line + 1, col + 1)


def item_loc(path: str, seq: LocList, index: int) -> Loc:
    line, col = seq.item_at(index)
    return Loc(path, line + 1, col + 1)


def plural_word(name: str) -> str:
    """'fix' -> 'fixes', 'entry' -> 'entries', 'alias' -> 'aliases', 'note' -> 'notes'."""
    if name.endswith(("s", "x", "ch", "sh")):
        return name + "es"
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return name[:-1] + "ies"
    return name + "s"


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _text_start(value: str, loc: Loc, lines: Sequence[str] = ()) -> Loc:
    """Where the characters of a scalar start: after a quote, or below a block indicator."""
    if isinstance(value, QuotedText):
        return loc.shifted(col=loc.col + 1)
    if isinstance(value, BlockText):
        # The text starts on the first non-blank line below the indicator, indented.
        for number in range(loc.line + 1, len(lines) + 1):
            line = lines[number - 1]
            if line.strip():
                return Loc(loc.path, number, len(line) - len(line.lstrip()) + 1)
        return loc.shifted(lines=1, col=0)
    return loc


class Spec:
    """A validator for one YAML value; subclasses also describe themselves."""

    description = ""

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        raise NotImplementedError

    def schema(self, products: Products | None) -> dict[str, Any]:
        raise NotImplementedError

    def kind(self) -> str:
        """A short human name of the expected value, for messages and docs."""
        raise NotImplementedError

    def plural(self) -> str:
        """The name of several such values, as in 'a list of ...'."""
        return "values"

    def wrong_type(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        ctx.diagnostics.error(
            loc, ctx.subject, f"expected {self.kind()}{ctx.where}, found {type_name(value)}"
        )
        return INVALID


class Text(Spec):
    """A non-empty single string; `pattern` restricts it further."""

    def __init__(self, pattern: str = "", pattern_help: str = "", multiline: bool = False):
        self.pattern = pattern
        self.pattern_help = pattern_help
        self.multiline = multiline

    def kind(self) -> str:
        return "text"

    def plural(self) -> str:
        return "texts"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if not isinstance(value, str) or isinstance(value, bool):
            return self.wrong_type(value, loc, ctx)
        if not value.strip():
            ctx.diagnostics.error(
                loc, ctx.subject, f"expected text{ctx.where}, found an empty string"
            )
            return INVALID
        if self.pattern and not re.match(self.pattern, value):
            ctx.diagnostics.error(
                loc, ctx.subject, f"expected {self.kind()}{ctx.where}, found '{value}'",
                self.pattern_help,
            )
            return INVALID
        if not self.multiline and "\n" in value.strip():
            ctx.diagnostics.error(
                loc, ctx.subject, f"expected one line of text{ctx.where}, found several lines"
            )
            return INVALID
        return str(value).strip() if not self.multiline else str(value)

    def schema(self, products: Products | None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"\S"}
        if self.pattern:
            out["pattern"] = self.pattern
        elif not self.multiline:
            out["pattern"] = r"^[^\n]*\S[^\n]*\n?$"
        return out


class Identifier(Text):
    """An anchor-safe id: letters, digits, '-' and '_', starting with a letter."""

    def __init__(self) -> None:
        super().__init__(ID_PATTERN, "use letters, digits, '-' and '_', starting with a letter")

    def kind(self) -> str:
        return "an id"

    def plural(self) -> str:
        return "ids"


class MarkdownText(Text):
    """DocFX-flavoured Markdown; its location is kept for diagnostics inside it."""

    def __init__(self) -> None:
        super().__init__(multiline=True)

    def kind(self) -> str:
        return "Markdown text"

    def plural(self) -> str:
        return "Markdown texts"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        text = super().check(value, loc, ctx)
        if text is INVALID:
            return INVALID
        return model.Markdown(text.strip("\n") + "\n", _text_start(value, loc, ctx.lines))


class MessageText(Text):
    """A message: literal text with {name} and {name:type} placeholders ({{ for a brace)."""

    SCHEMA_PATTERN = (r"^(?=[^\n]*\S)(?:[^{}\n]|\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*"
                      r"(?::(?:guid|int|url|path|quoted))?\})*\n?$")
    WHAT = "message"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        text = super().check(value, loc, ctx)
        if text is INVALID:
            return INVALID
        start = _text_start(value, loc, ctx.lines)
        problems = syntax_problems(str(value), self.WHAT)
        for problem in problems:
            ctx.diagnostics.error(start.shifted(col=start.col + problem.offset), ctx.subject,
                                  problem.message, problem.suggestion)
        return INVALID if problems else text


class TitleText(MessageText):
    """A title that may name a message's variable parts, `{app_id}`: the model keeps it as
    readers see it (`‹app id›`), so no raw placeholder ever reaches a page."""

    WHAT = "title"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        text = super().check(value, loc, ctx)
        return INVALID if text is INVALID else shown(text)

    def schema(self, products: Products | None) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "pattern": self.SCHEMA_PATTERN}


class Choice(Spec):
    """One of a fixed set of words, mapped to an enum member."""

    def __init__(self, enum_type: Any):
        self.enum_type = enum_type
        self.values = [m.value for m in enum_type]

    def kind(self) -> str:
        return "one of " + ", ".join(f"'{v}'" for v in self.values)

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, loc, ctx)
        if value not in self.values:
            ctx.diagnostics.error(
                loc,
                ctx.subject,
                f"expected {self.kind()}{ctx.where}, found '{value}'",
                did_you_mean(value, self.values),
            )
            return INVALID
        return self.enum_type(value)

    def schema(self, products: Products | None) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


class Flag(Spec):
    def kind(self) -> str:
        return "true or false"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if not isinstance(value, bool):
            return self.wrong_type(value, loc, ctx)
        return value

    def schema(self, products: Products | None) -> dict[str, Any]:
        return {"type": "boolean"}


def _ci(name: str) -> str:
    """A case-insensitive ECMA-262 regular expression for a literal name."""
    out = []
    for char in name:
        if char.isalpha():
            out.append(f"[{char.lower()}{char.upper()}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def range_pattern(products: Products) -> str:
    """The range grammar as a regular expression, for editors' JSON Schema checks."""
    names = "|".join(_ci(n) for n in sorted(products.names, key=len, reverse=True))
    comparator = rf"(?:<=|>=|<|>|=)?\s*(?:{names})(?![A-Za-z0-9._-])"
    conjunction = rf"\s*{comparator}(?:\s*{comparator})*\s*"
    return rf"^{conjunction}(?:\|\|{conjunction})*$"


class MonikerRange(Spec):
    """A DocFX moniker range such as '>= tfs-2015 < azure-devops'."""

    def kind(self) -> str:
        return "a moniker range"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, loc, ctx)
        if ctx.products is None:
            return INVALID  # products.yml is broken; it has its own diagnostics
        try:
            parsed = parse_range(value, ctx.products)
        except RangeError as err:
            start = _text_start(value, loc, ctx.lines)
            ctx.diagnostics.error(
                start.shifted(col=start.col + err.offset),
                ctx.subject,
                f"{err.message} in {ctx.field or 'applies_to'}",
                err.suggestion,
            )
            return INVALID
        if parsed.empty:
            ctx.diagnostics.error(
                loc,
                ctx.subject,
                f"range '{value}' in {ctx.field or 'applies_to'} selects no version, so what "
                "it holds never shows",
                "check the operators; the monikers are, oldest first: "
                + ", ".join(ctx.products.names),
            )
            return INVALID
        for offset, written, name in respelt(value, ctx.products):
            start = _text_start(value, loc, ctx.lines)
            ctx.diagnostics.warning(
                start.shifted(col=start.col + offset), ctx.subject,
                f"moniker '{written}' in {ctx.field or 'applies_to'} is spelt '{name}' in "
                "products.yml",
                f"write '{name}': ranges ignore case, but readers, search and reviewers "
                "don't",
            )
        return dataclasses.replace(parsed, loc=_text_start(value, loc, ctx.lines))

    def schema(self, products: Products | None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if products is not None:
            out["pattern"] = range_pattern(products)
        return out


def respelt(text: str, products: Products) -> list[tuple[int, str, str]]:
    """(offset, as written, as products.yml spells it) of each moniker written otherwise."""
    out = []
    for found in MONIKER_NAME.finditer(text):
        moniker = products.get(found.group())
        if moniker is not None and moniker.name != found.group():
            out.append((found.start(), found.group(), moniker.name))
    return out


class ListOf(Spec):
    def __init__(self, item: Spec, min_items: int = 0, unique: bool = False):
        self.item = item
        self.min_items = min_items
        self.unique = unique

    def kind(self) -> str:
        return f"a list of {self.item.plural()}"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if not isinstance(value, list):
            return self.wrong_type(value, loc, ctx)
        if len(value) < self.min_items:
            ctx.diagnostics.error(
                loc,
                ctx.subject,
                f"expected at least {self.min_items} item{'s' if self.min_items > 1 else ''}"
                f"{ctx.where}, found {len(value)}",
            )
            return INVALID
        out = []
        ok = True
        seen: dict[Any, int] = {}
        for index, item in enumerate(value):
            item_at = item_loc(loc.path, value, index) if isinstance(value, LocList) else loc
            checked = self.item.check(item, item_at, ctx)
            if checked is INVALID:
                ok = False
                continue
            if self.unique and isinstance(checked, str):
                if checked in seen:
                    ctx.diagnostics.error(
                        item_at,
                        ctx.subject,
                        f"'{checked}' is listed twice{ctx.where} "
                        f"(items {seen[checked] + 1} and {index + 1})",
                        "remove the repeated item",
                    )
                    ok = False
                seen[checked] = index
            out.append(checked)
        return tuple(out) if ok else INVALID

    def schema(self, products: Products | None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema(products)}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.unique:
            out["uniqueItems"] = True
        return out


@dataclass(frozen=True)
class F:
    """A field of an object: its name, its spec, whether it is required, what it means."""

    name: str
    spec: Spec
    doc: str
    required: bool = False
    attr: str = ""  # dataclass attribute, when it differs from the name

    @property
    def target(self) -> str:
        return self.attr or self.name


@dataclass
class Obj(Spec):
    """A mapping with known fields, built into a model dataclass."""

    name: str
    fields: Sequence[F]
    build: Callable[..., Any]
    doc: str = ""
    # Adds the default range for objects that carry `applies_to`.
    ranged: bool = True
    extra_check: Callable[[dict[str, Any], Loc, Ctx], bool] | None = None
    shorthand: Spec | None = None  # a plain value accepted in place of the mapping
    shorthand_field: str = ""
    subject_of: Callable[[dict[str, Any]], str] | None = None
    schema_extra: dict[str, Any] = field(default_factory=dict)  # mirrors extra_check
    _by_name: dict[str, F] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {f.name: f for f in self.fields}

    def owner_of(self, key: str) -> str:
        """The name of an object nested in this one that has a field `key`, or ''."""
        todo: list[Spec] = [f.spec for f in self.fields]
        seen: set[int] = set()
        while todo:
            spec = todo.pop(0)
            spec = spec.item if isinstance(spec, ListOf) else spec
            if not isinstance(spec, Obj) or id(spec) in seen:
                continue
            seen.add(id(spec))
            if key in spec._by_name:
                return spec.name
            todo.extend(f.spec for f in spec.fields)
        return ""

    def kind(self) -> str:
        if self.shorthand is not None:
            return f"{self.shorthand.kind()} or a mapping ({self.name})"
        return f"a mapping ({self.name})"

    def plural(self) -> str:
        if self.shorthand is not None:
            return f"{self.shorthand.plural()} or mappings ({plural_word(self.name)})"
        return f"mappings ({plural_word(self.name)})"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if self.shorthand is not None and not isinstance(value, dict):
            if isinstance(value, str):
                value = _shorthand_map(self.shorthand_field, value, loc)
            else:
                return self.wrong_type(value, loc, ctx)
        if not isinstance(value, dict):
            return self.wrong_type(value, loc, ctx)
        start = node_loc(loc.path, value) if isinstance(value, LocMap) else loc
        if self.shorthand is not None and _colon_text(self, value, start, ctx):
            return INVALID
        subject = ctx.subject
        if self.subject_of is not None:
            subject = self.subject_of(value) or subject
        inner = ctx.about(subject)
        ok = True
        values: dict[str, Any] = {}
        for key in value:
            spec_field = self._by_name.get(str(key))
            at = key_loc(loc.path, value, key) if isinstance(value, LocMap) else loc
            if spec_field is None:
                owner = self.owner_of(str(key))
                ctx.diagnostics.error(
                    at,
                    subject,
                    f"unknown field '{key}' in {self.name}",
                    f"'{key}' is a field of {owner}: indent it under the {owner} it belongs "
                    "to" if owner else did_you_mean(str(key), list(self._by_name))
                    or "the fields are: " + ", ".join(self._by_name),
                )
                ok = False
                continue
            raw = value[key]
            vat = value_loc(loc.path, value, key) if isinstance(value, LocMap) else loc
            if raw is None and not spec_field.required:
                continue  # an empty optional field means "not set"
            checked = spec_field.spec.check(raw, vat, ctx.about(subject, str(key)))
            if checked is INVALID:
                ok = False
            else:
                values[spec_field.target] = checked
        for spec_field in self.fields:
            if spec_field.required and str(spec_field.name) not in value:
                ctx.diagnostics.error(
                    start,
                    subject,
                    f"missing required field '{spec_field.name}' in {self.name}",
                    _misplaced(spec_field.name, value, start, ctx.lines)
                    or f"add '{spec_field.name}:' ({spec_field.spec.kind()}) at the "
                    f"indentation of the {self.name}'s other fields",
                )
                ok = False
        if self.extra_check is not None and ok:
            ok = self.extra_check(values, start, inner)
        if not ok:
            return INVALID
        if self.ranged and "applies_to" not in values:
            values["applies_to"] = (
                ctx.products.everything() if ctx.products else Range("", frozenset())
            )
        return self.build(loc=start, **values)

    def schema(self, products: Products | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "title": self.name,
            "properties": {},
            "additionalProperties": False,
        }
        if self.doc:
            out["description"] = self.doc
        for f in self.fields:
            prop = f.spec.schema(products)
            prop = {"description": f.doc, **prop} if "$ref" not in prop else prop
            out["properties"][f.name] = prop if f.required else {
                "anyOf": [prop, {"type": "null"}]
            }
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        out.update(self.schema_extra)
        if self.shorthand is not None:
            return {"anyOf": [self.shorthand.schema(products), out]}
        return out


def _colon_text(obj: Obj, mapping: dict[Any, Any], start: Loc, ctx: Ctx) -> bool:
    """True (and an error) when a text written without quotes was read as a mapping: one
    key that is no field, holding a plain value ("- Error Code: 0x80070005")."""
    if len(mapping) != 1:
        return False
    [(key, value)] = mapping.items()
    if str(key) in obj._by_name or isinstance(value, (dict, list)) or value is None \
            or did_you_mean(str(key), list(obj._by_name)):
        return False  # a field, or a misspelt one (`- txt: ...`): the usual errors say so
    line = ctx.lines[start.line - 1] if 0 < start.line <= len(ctx.lines) else ""
    written = line[max(start.col - 1, 0):].split(" #")[0].strip() if line else f"{key}: {value}"
    quoted = written.replace("\\", "\\\\").replace('"', '\\"')
    ctx.diagnostics.error(
        start, ctx.subject,
        f"'{written}' was read as a mapping with the field '{key}', not as the text of a "
        f"{obj.name}: YAML reads ': ' as the end of a field name",
        f'put the text in double quotes: "{quoted}"')
    return True


def _misplaced(name: str, mapping: Any, start: Loc, lines: Sequence[str]) -> str:
    """A hint when the missing key is written just below the mapping, indented too little.

    Such a key lands in an enclosing mapping (where it is unknown); the first line below
    this mapping's content that is indented less than its keys shows it.
    """
    if not isinstance(mapping, LocMap) or not lines or start.col <= 1:
        return ""
    siblings = [key for key in mapping if isinstance(key, str)]
    last = max((mapping.key_at(k)[0] for k in siblings), default=start.line - 1) + 1
    pattern = re.compile(rf"^( *){re.escape(name)}\s*:")
    for number in range(last + 1, len(lines) + 1):
        text = lines[number - 1]
        indent = len(text) - len(text.lstrip(" "))
        if not text.strip() or text.lstrip().startswith("#") or indent >= start.col - 1:
            continue
        found = pattern.match(text)
        if found is None:
            return ""
        return (f"'{name}:' at line {number} is at column {indent + 1}, so it belongs to an "
                f"enclosing mapping; indent it to column {start.col}, like "
                f"'{siblings[0] if siblings else name}'")
    return ""


def _shorthand_map(key: str, value: str, loc: Loc) -> LocMap:
    """A one-key mapping standing for a shorthand scalar, located where the scalar was."""
    mapping = LocMap(loc.line - 1, loc.col - 1)
    mapping[key] = value
    mapping.positions[key] = (loc.line - 1, loc.col - 1, loc.line - 1, loc.col - 1)
    return mapping


# ---------------------------------------------------------------------------
# The catalogue's formats.
# ---------------------------------------------------------------------------

RANGE_DOC = (
    "DocFX moniker range, e.g. '>= tfs-2015' or '<= tfs-2018 || azure-devops'; "
    "defaults to the range of the enclosing object"
)


def _ranged(*fields: F) -> list[F]:
    return [*fields, F("applies_to", MonikerRange(), RANGE_DOC)]


def _link_target(values: dict[str, Any], loc: Loc, ctx: Ctx) -> bool:
    has_url, has_ref = bool(values.get("url")), bool(values.get("ref"))
    if has_url == has_ref:
        ctx.diagnostics.error(
            loc,
            ctx.subject,
            "expected exactly one of 'url' or 'ref' in link, found "
            + ("both" if has_url else "neither"),
            "use 'url' for other sites and 'ref' for pages of this knowledge base",
        )
        return False
    return True


def _entry_rules(values: dict[str, Any], loc: Loc, ctx: Ctx) -> bool:
    """A retired entry says why; an entry without causes says what the error means."""
    if not values.get("causes") and values.get("summary") is None:
        ctx.diagnostics.error(
            loc,
            ctx.subject,
            "missing field 'summary' in entry without 'causes'",
            "an entry with no known fix yet (a reference entry) needs a 'summary' that says "
            "what the error means; otherwise add 'causes' (at the same indentation as 'id')",
        )
        return False
    retired = values.get("status") is model.Status.RETIRED
    if retired and values.get("retired_note") is None:
        ctx.diagnostics.error(
            loc,
            ctx.subject,
            "missing required field 'retired_note' in entry with status 'retired'",
            "say since when the message no longer appears and what replaced it",
        )
        return False
    if not retired and values.get("retired_note") is not None:
        ctx.diagnostics.error(
            loc,
            ctx.subject,
            "'retired_note' is set but status is not 'retired'",
            "add 'status: retired' or remove 'retired_note'",
        )
        return False
    return True


def _named(kind: str, key: str = "id") -> Callable[[dict[str, Any]], str]:
    def subject(value: dict[str, Any]) -> str:
        ident = value.get(key) if isinstance(value, dict) else None
        return f"{kind} '{ident}'" if isinstance(ident, str) and ident else ""

    return subject


NOTE = Obj(
    "note",
    _ranged(
        F("type", Choice(model.NoteKind), "note, tip, important, caution or warning",
          required=True, attr="kind"),
        F("text", MarkdownText(), "Markdown text of the note", required=True),
        F("position", Choice(model.Position),
          "'before' (default) or 'after' the steps or text it belongs to"),
    ),
    model.Note,
    doc="An admonition: a note, tip or warning.",
)

LINK = Obj(
    "link",
    _ranged(
        F("title", Text(), "the link text", required=True),
        F("url", Text(pattern=r"^(https?|mailto):", pattern_help="use an http(s) or mailto URL"),
          "an address on another site"),
        F("ref", Text(), "a page of this knowledge base: 'topic#anchor', '#anchor' or 'page.md'"),
    ),
    model.Link,
    doc="A related link.",
    extra_check=_link_target,
    subject_of=_named("link", "title"),
    schema_extra={"oneOf": [{"required": ["url"]}, {"required": ["ref"]}]},
)

STEP = Obj(
    "step",
    _ranged(F("text", MarkdownText(), "Markdown text of the step", required=True)),
    model.Step,
    doc="One step of a fix; a plain string is a step for every version of its fix.",
    shorthand=MarkdownText(),
    shorthand_field="text",
)

MESSAGE = Obj(
    "message",
    _ranged(
        F("text", MessageText(),
          "the message as users see it; {name} stands for any text within the line, "
          "{name:guid}, {name:int}, {name:url}, {name:path} and {name:quoted} for typed "
          "values; '***' for a value the pipeline masks", required=True),
        F("cause", Identifier(), "the id of the cause this wording points to"),
    ),
    model.Message,
    doc="An error message; a plain string is a message for every version of its entry.",
    shorthand=MessageText(),
    shorthand_field="text",
)

SAMPLE = Obj(
    "sample",
    _ranged(F("text", Text(multiline=True), "the text as it appears in a log",
              required=True)),
    model.Sample,
    doc="A realistic text for the lookup conformance checks; a plain string applies to "
        "every version of its entry.",
    shorthand=Text(multiline=True),
    shorthand_field="text",
)

NOTES = F("notes", ListOf(NOTE), "notes, tips and warnings")

FIX = Obj(
    "fix",
    _ranged(
        F("title", TitleText(), "what the fix does, e.g. 'Raise guest user permissions'",
          required=True),
        F("id", Identifier(), "optional anchor of the fix on the page"),
        F("aliases", ListOf(Identifier(), unique=True), "anchors this fix had before"),
        F("description", MarkdownText(), "Markdown shown before the steps"),
        NOTES,
        F("steps", ListOf(STEP, min_items=1), "ordered steps", required=True),
        F("takes_effect", Text(multiline=True),
          "when the fix takes effect, e.g. 'after 15 to 20 minutes'"),
        F("links", ListOf(LINK), "further reading for this fix"),
    ),
    model.Fix,
    doc="One way to resolve a cause. A cause lists its fixes best first.",
    subject_of=_named("fix", "title"),
)

CAUSE = Obj(
    "cause",
    _ranged(
        F("id", Identifier(), "anchor of the cause, unique on the page", required=True),
        F("title", TitleText(), "the cause as a statement", required=True),
        F("aliases", ListOf(Identifier(), unique=True), "anchors this cause had before"),
        F("check", Text(), "a yes/no question that tells this cause apart, for the decision tree"),
        F("description", MarkdownText(), "Markdown shown before the fixes"),
        NOTES,
        F("fixes", ListOf(FIX, min_items=1), "fixes, best first", required=True),
    ),
    model.Cause,
    doc="Why the error happens.",
    subject_of=_named("cause"),
)

ENTRY = Obj(
    "entry",
    _ranged(
        F("id", Identifier(), "anchor of the entry; equals the file name without .yml",
          required=True),
        F("title", TitleText(),
          "the heading of the entry, usually the message; a variable part is written as in "
          "messages, {app_id}, and shown to readers as ‹app id›", required=True),
        F("aliases", ListOf(Identifier(), unique=True),
          "anchors this entry had before; they keep resolving"),
        F("status", Choice(model.Status), "'active' (default) or 'retired'"),
        F("retired_note", MarkdownText(),
          "why the entry is retired; required when status is 'retired'"),
        F("messages", ListOf(MESSAGE), "messages users see, verbatim"),
        F("codes", ListOf(Text(pattern=r"^[A-Za-z0-9_.-]+$",
                               pattern_help="use letters, digits, '.', '-' and '_'"),
                          unique=True), "error codes, e.g. AADSTS7000215"),
        F("summary", MarkdownText(), "when and why the error appears"),
        NOTES,
        F("causes", ListOf(CAUSE),
          "causes, most likely first; leave out for a reference entry (one whose meaning is "
          "known but no fix yet), which then needs a 'summary'"),
        F("related", ListOf(LINK), "related links"),
        F("samples", ListOf(SAMPLE),
          "realistic texts (variable parts filled in) that must find this entry first"),
        F("not_samples", ListOf(SAMPLE),
          "similar texts that must not match this entry's messages or codes"),
    ),
    model.Entry,
    doc="One error of the catalogue: a section of its topic's page.",
    subject_of=_named("entry"),
    extra_check=_entry_rules,
    schema_extra={
        "allOf": [
            {
                "if": {"properties": {"status": {"const": "retired"}}, "required": ["status"]},
                "then": {"required": ["retired_note"]},
                "else": {"not": {"required": ["retired_note"]}},
            },
            {"anyOf": [{"required": ["causes"], "properties": {"causes": {"minItems": 1}}},
                       {"required": ["summary"]}]},
        ],
    },
)

SECTION = Obj(
    "section",
    _ranged(
        F("id", Identifier(), "anchor of the section", required=True),
        F("title", Text(), "heading of the section", required=True),
        F("aliases", ListOf(Identifier(), unique=True), "anchors this section had before"),
        F("body", MarkdownText(), "Markdown content"),
        F("list_errors", Flag(), "append the list of this page's errors for the version"),
    ),
    model.Section,
    doc="A hand-written section of a topic page.",
    subject_of=_named("section"),
)

def _answer_target(values: dict[str, Any], loc: Loc, ctx: Ctx) -> bool:
    targets = [key for key in ("goto", "cause", "not_covered") if values.get(key)]
    if len(targets) != 1:
        ctx.diagnostics.error(
            loc,
            ctx.subject,
            "expected exactly one of 'goto', 'cause' or 'not_covered: true' in answer, found "
            + (" and ".join(f"'{t}'" for t in targets) if targets else "none"),
            "'goto' leads to another question, 'cause' to a cause's fixes, "
            "'not_covered' to the end of what the knowledge base knows",
        )
        return False
    if values.get("note") is not None and not values.get("not_covered"):
        ctx.diagnostics.error(
            loc, ctx.subject, "'note' is only shown at a 'not_covered' end",
            "add 'not_covered: true' or move the text into the question's 'help'",
        )
        return False
    return True


TREE_ANSWER = Obj(
    "answer",
    _ranged(
        F("label", Text(), "the answer as the reader sees it, e.g. 'Yes'", required=True),
        F("id", Identifier(), "the key of this answer in links to a path of the tree; "
          "defaults to the label in lowercase with hyphens"),
        F("goto", Identifier(), "the id of the next question, or of an entry to ask its "
          "questions"),
        F("cause", Identifier(), "the id of a cause of this topic: the reader gets its fixes"),
        F("not_covered", Flag(), "true: the knowledge base has nothing more for this answer"),
        F("note", MarkdownText(), "Markdown shown at a 'not_covered' end: what to try next"),
    ),
    model.TreeAnswer,
    doc="An answer of a decision tree question: exactly one of goto, cause or not_covered.",
    extra_check=_answer_target,
    subject_of=_named("answer", "label"),
    schema_extra={"oneOf": [{"required": ["goto"]}, {"required": ["cause"]},
                            {"required": ["not_covered"]}]},
)

TREE_NODE = Obj(
    "node",
    _ranged(
        F("id", Identifier(), "the id of the question; an entry's id replaces the questions "
          "derived from that entry's causes", required=True),
        F("question", Text(), "the question, e.g. 'Is the account a guest user?'",
          required=True),
        F("help", MarkdownText(), "Markdown shown under the question: how to find out"),
        F("answers", ListOf(TREE_ANSWER, min_items=1), "the answers, in the order shown",
          required=True),
    ),
    model.TreeNode,
    doc="A question of a topic's decision tree.",
    subject_of=_named("node"),
)

TREE = Obj(
    "tree",
    [F("nodes", ListOf(TREE_NODE, min_items=1), "authored questions", required=True)],
    model.Tree,
    doc="Authored questions of the decision tree. Without them, or for entries they don't "
        "replace, each entry's questions are its causes' 'check' questions, in order.",
    ranged=False,
)

TOPIC = Obj(
    "topic",
    _ranged(
        F("id", Identifier(), "the page name; equals the folder name", required=True),
        F("title", Text(), "the page title", required=True),
        F("nav_title", Text(), "a shorter title for the navigation"),
        F("description", Text(), "one sentence for search engines and link previews"),
        F("intro", MarkdownText(), "Markdown shown under the title"),
        F("sections", ListOf(SECTION), "sections before the errors"),
        F("order", ListOf(Identifier(), unique=True),
          "entry ids in page order; entries not listed follow, sorted by id"),
        F("closing_sections", ListOf(SECTION), "sections after the errors"),
        F("tree", TREE, "authored questions of the decision tree (optional)"),
    ),
    lambda **kw: kw,  # the topic is assembled with its entries by `validate`
    doc="A topic: one page of errors, from the folder's _topic.yml.",
    subject_of=_named("topic"),
)

MONIKER = Obj(
    "moniker",
    [
        F("id", Identifier(), "the moniker, e.g. tfs-2018", required=True),
        F("title", Text(), "the name readers see, e.g. 'TFS 2018'", required=True),
    ],
    lambda **kw: kw,
    ranged=False,
    subject_of=_named("moniker"),
)

PRODUCT = Obj(
    "product",
    [
        F("id", Identifier(), "the product id", required=True),
        F("title", Text(), "the product name", required=True),
        F("monikers", ListOf(MONIKER, min_items=1), "versions, oldest first", required=True),
    ],
    lambda **kw: kw,
    ranged=False,
    subject_of=_named("product"),
)

PRODUCTS = Obj(
    "products",
    [
        F("products", ListOf(PRODUCT, min_items=1), "the products", required=True),
        F("default", Identifier(), "the moniker readers land on", required=True),
        F("aliases", ListOf(Obj(
            "alias",
            [F("name", Identifier(), "the alias, e.g. latest", required=True),
             F("moniker", Identifier(), "the moniker it stands for", required=True)],
            lambda **kw: kw,
            ranged=False,
        )), "other names of monikers, e.g. latest"),
    ],
    lambda **kw: kw,
    doc="catalogue/products.yml: the products and their versions (monikers).",
    ranged=False,
)

FORMATS: dict[str, Obj] = {
    "products": PRODUCTS,
    "topic": TOPIC,
    "entry": ENTRY,
}
