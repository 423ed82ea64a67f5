"""Lookup patterns: normalisation of pasted text and compilation of message templates.

Input: raw lines of a log, and catalogue message texts with `{name}` / `{name:type}`
placeholders; output: normalised lines whose variable parts are single marker
characters (with their original values), and the templates the matchers compile.
generator/features/assets/lookup/lookup.js implements the same steps; tests/vectors/lookup.json
keeps the two identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...catalogue.messages import PLACEHOLDER, PLACEHOLDER_KINDS

# Variable parts of a line become one private-use character each; the original text
# is kept aside, in order, so placeholder values can be reported.
GUID, NUMBER, URL, PATH, MASK, HEXID, TIME = (chr(c) for c in range(0xE001, 0xE008))
MARKERS = GUID + NUMBER + URL + PATH + MASK + HEXID + TIME
MARKER_NAMES = {GUID: "guid", NUMBER: "number", URL: "url", PATH: "path", MASK: "***",
                HEXID: "id", TIME: "time"}
# Placeholders of a template (never produced from pasted text), one per kind.
P_ANY, P_GUID, P_INT, P_URL, P_PATH, P_QUOTED = (chr(c) for c in range(0xE010, 0xE016))
PLACEHOLDER_TYPES = dict(zip(PLACEHOLDER_KINDS, (P_ANY, P_GUID, P_INT, P_URL, P_PATH, P_QUOTED),
                             strict=True))
TYPED_MARKER = {P_GUID: GUID, P_INT: NUMBER, P_URL: URL, P_PATH: PATH}

ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\r\n]*(?:\x07|\x1b\\)?|\x1b"
    "|[\u200b-\u200d\u2060\ufeff]"
)
SPACES = re.compile("[\t\v\f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
QUOTES = str.maketrans(dict.fromkeys("\"`\u00ab\u00b4\u00bb\u2018\u2019\u201a\u201b\u201c\u201d"
                                    "\u201e\u201f\u2032\u2033", "'"))
# Log decorations at the start of a line, removed repeatedly: timestamps, Azure
# Pipelines' ##[error] and ##vso[...] commands, [error] tags and ERROR: labels.
# Matched at a position (never searched), so removing many prefixes is linear.
PREFIX = re.compile(
    r" ?(?:\[?[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?\]?"
    r"|##\[[A-Za-z]+\]|##vso\[[^\]]*\]|\[(?:error|warning|info|debug|err|warn)\]"
    r"|(?:error|warning|fatal|err|warn) ?:)",
    re.IGNORECASE | re.ASCII,
)
FLAGGED = re.compile(r"err|warn|fatal", re.IGNORECASE | re.ASCII)
# One alternative per kind of variable part, tried left to right at each position. A URL
# scheme has at most 32 characters, so that no start position scans a whole line.
VARIABLE = re.compile(
    r"((?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9+.\-]{0,31}://[^ ']*[^ '.,;:)\]}>])"
    r"|((?<![A-Za-z0-9])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}"
    r"-[0-9A-Fa-f]{12}(?![A-Za-z0-9]))"
    r"|([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
    r"|(?<![A-Za-z0-9])[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?![A-Za-z0-9]))"
    r"|([A-Za-z]:\\[^ ']*[^ '.,;:)\]}>]"
    r"|(?<![A-Za-z0-9_/.~])(?:~|\.{1,2})?(?:/[A-Za-z0-9_.@+\-]+){2,}/?)"
    r"|((?<![A-Za-z0-9])[0-9A-Fa-f]{16,}(?![A-Za-z0-9]))"
    r"|((?<![A-Za-z0-9_.])[0-9]+(?:[.,][0-9]+)*(?![A-Za-z0-9_]))"
    r"|(\*{3,})"
)
# The marker of each group of VARIABLE, in order.
VARIABLE_KINDS = (URL, GUID, TIME, PATH, HEXID, NUMBER, MASK)
PRIVATE = re.compile("[\ue000-\uf8ff]")
# Where a part of VARIABLE can start (each alternative's first characters, loosely):
# a digit that starts a word, a date, 8 hex digits that start a word, '***', a path;
# and, when the line has '://' or ':\' at all, a URL (its scheme and '://', so that the
# scan runs in one search, not once per word) or a Windows drive.
_STARTS = (r"(?<![A-Za-z0-9])[0-9]|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]"
           r"|(?<![A-Za-z0-9])[A-Fa-f][0-9A-Fa-f]{7}|\*\*\*"
           r"|(?<![A-Za-z0-9_/.~])(?:/|~/|\.\.?/)")
STARTS = re.compile(_STARTS)
STARTS_ANY_LETTER = re.compile(_STARTS + r"|(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9+.\-]{0,31}://"
                               r"|[A-Za-z]:\\")
SPECIAL = re.compile("[\ue001-\ue007\ue010-\ue015]")
WORDS = re.compile(r"[A-Za-z0-9_]+")
TRAILING = re.compile(r"[ .,;:!?]+$")
TOKEN = re.compile("[A-Za-z0-9_]+|[\ue001-\ue004\ue006\ue007]")
ERRORISH = re.compile(
    r"error|fail|exception|denied|invalid|unauthori[sz]ed|forbidden|aadsts|not found|expired"
    r"|cannot|could not|unable",
    re.IGNORECASE | re.ASCII,
)
SYNTAX = set("^$\\.*+?()[]{}|/")
WORD = re.compile(r"[A-Za-z0-9_]")


@dataclass(frozen=True)
class Line:
    """One normalised line: text with markers, the markers' original values, raw tokens."""

    text: str
    values: tuple[str, ...]
    raw_words: tuple[str, ...]  # lowercased words before masking, to find codes
    prefixed: bool  # an error or warning prefix such as ##[error] was removed


def clean(raw: str) -> str:
    """ANSI codes and invisible characters removed, spaces and quotes unified.

    No step reaches across a line break, so a whole text can be cleaned at once.
    """
    return SPACES.sub(" ", ANSI.sub("", raw)).translate(QUOTES)


def shown(raw: str) -> str:
    """A pasted line as results show it: as pasted, without colour codes."""
    return ANSI.sub("", PRIVATE.sub("", raw)).strip(" \t")


def clean_input(raw: str) -> str:
    """Pasted text, cleaned; it loses private-use characters so it cannot fake a marker."""
    return clean(PRIVATE.sub("", raw))


def normalise_line(raw: str, template: bool = False) -> Line:
    """The steps every matcher applies to each line of pasted text, in this order."""
    return normalise_clean(clean(raw) if template else clean_input(raw))


def normalise_clean(text: str) -> Line:
    """A cleaned line without its log prefixes, its variable parts masked."""
    prefixed = False
    start = 0
    while True:
        while start < len(text) and text[start] == " ":
            start += 1
        found = PREFIX.match(text, start)
        if found is None or found.end() == start:
            break
        start = found.end()
        prefixed = prefixed or bool(FLAGGED.search(found.group()))
    text = text[start:]
    raw_words = tuple(ascii_words(text))
    text, values = mask_variables(text)
    text = text.strip(" ")
    return Line(text, tuple(values), raw_words, prefixed)


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """A-Z lowercased, nothing else: the same length, the same in every matcher.

    Matching is case-insensitive for ASCII letters only; error messages are English.
    """
    return text.translate(ASCII_LOWER)


def ascii_words(text: str) -> list[str]:
    """The words (ASCII letters, digits, '_') of a text, each lowercased.

    Lowercasing the whole text first is faster and gives the same words, except for
    the two characters that lowercase to ASCII letters (U+0130 and U+212A).
    """
    if "\u0130" in text or "\u212a" in text:
        return [word.lower() for word in WORDS.findall(text)]
    return WORDS.findall(text.lower())


def mask_variables(text: str) -> tuple[str, list[str]]:
    """`VARIABLE.sub`, each part replaced by its marker, and the parts it replaced.

    The same result as substituting over the whole text, but the expression is tried
    only where a part can start (see STARTS), which is several times faster.
    """
    starts = STARTS_ANY_LETTER if "://" in text or ":\\" in text else STARTS
    out: list[str] = []
    values: list[str] = []
    done = scan = 0
    while True:
        found = starts.search(text, scan)
        if found is None:
            break
        hit = VARIABLE.match(text, found.start())
        if hit is None:
            scan = found.start() + 1
            continue
        out.append(text[done:found.start()])
        out.append(VARIABLE_KINDS[(hit.lastindex or 1) - 1])
        values.append(hit.group())
        done = scan = hit.end()
    out.append(text[done:])
    return "".join(out), values


def split_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def tokens(text: str) -> list[str]:
    """Words (lowercased ASCII letters, digits, _) and markers, for fuzzy matching."""
    return [t.lower() for t in TOKEN.findall(text)]


def display(text: str) -> str:
    """A normalised text with its markers written as <guid>, <url>, ..."""
    return "".join(f"<{MARKER_NAMES[c]}>" if c in MARKER_NAMES and c != MASK
                   else "***" if c == MASK else c for c in text)


# ---------------------------------------------------------------------------
# Message templates.
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    """A message ready for matching: its normalised text with placeholder characters."""

    text: str  # normalised; P_* characters stand for placeholders, markers for literals
    names: tuple[str, ...]  # placeholder names, in order ("" for a masked '***')
    literals: tuple[str, ...]  # original values of literal markers, in order
    specificity: int  # literal characters other than spaces: more is more specific

    @property
    def exact(self) -> bool:
        """True when the template has no placeholder: it matches only itself."""
        return not any(c in PLACEHOLDER_CHARS or c == MASK for c in self.text)


PLACEHOLDER_CHARS = frozenset(PLACEHOLDER_TYPES.values())


def parse(text: str) -> Template:
    """A message text (assumed free of syntax problems) as a normalised template."""
    names: list[str] = []
    pieces: list[str] = []
    position = 0
    for found in PLACEHOLDER.finditer(text):
        pieces.append(text[position:found.start()])
        token = found.group()
        if token in ("{{", "}}"):
            pieces.append(token[0])
        elif found.group(1) is not None:
            name, _, kind = found.group(1).partition(":")
            names.append(name)
            pieces.append(PLACEHOLDER_TYPES.get(kind, P_ANY))
        position = found.end()
    pieces.append(text[position:])
    line = normalise_line("".join(pieces), template=True)
    normalised = TRAILING.sub("", line.text)
    # Masked values in the catalogue ('***') stand for any value: unnamed placeholders.
    all_names: list[str] = []
    queue = iter(names)
    literals: list[str] = []
    values = iter(line.values)
    free = 0
    for found in SPECIAL.finditer(normalised):
        char = found.group()
        if char in PLACEHOLDER_CHARS:
            all_names.append(next(queue))
            free += 1
        else:
            value = next(values)
            if char == MASK:
                all_names.append("")
                free += 1
            else:
                literals.append(value)
    specificity = len(normalised) - normalised.count(" ") - free
    return Template(normalised, tuple(all_names), tuple(literals), specificity)


def reliable_words(template: str) -> list[str]:
    """Literal words of a template that always appear as whole words in a matching text.

    A word touching a free-text placeholder may be glued to the placeholder's value,
    so it cannot be looked up.
    """
    words = []
    for found in re.finditer(r"[A-Za-z0-9_]+", template):
        before = template[found.start() - 1] if found.start() > 0 else ""
        after = template[found.end()] if found.end() < len(template) else ""
        if before in (P_ANY, MASK) or after in (P_ANY, MASK):
            continue
        words.append(found.group().lower())
    return words


def fuzzy_tokens(template: str) -> list[str]:
    """The tokens a text matching the template would have, free text left out."""
    chars = []
    for char in template:
        if char in TYPED_MARKER:
            chars.append(TYPED_MARKER[char])
        elif char in (P_ANY, P_QUOTED, MASK):
            chars.append(" ")
        else:
            chars.append(char)
    return tokens("".join(chars))


def regex_source(template: str, literal_first: bool = False) -> tuple[str, list[str]]:
    """An expression for the ASCII-lowercased text, and the kind of each group.

    Group kinds: "p" a placeholder, "l" a literal marker whose value is checked. The
    expression reads the same in Python and JavaScript; `literal_first` moves the word
    boundary check behind the first letter, the same condition, so that Python's engine
    can look for the literal start quickly.
    """
    template = ascii_lower(template)
    out: list[str] = []
    groups: list[str] = []
    last = len(template) - 1
    for index, char in enumerate(template):
        if char == P_ANY or char == MASK:
            out.append("(.+)" if index == last else "(.+?)")
            groups.append("p")
        elif char == P_QUOTED:
            out.append("'([^']*)'")
            groups.append("p")
        elif char in TYPED_MARKER:
            out.append(f"(\\u{ord(TYPED_MARKER[char]):04X})")
            groups.append("p")
        elif char in MARKERS:
            out.append(f"(\\u{ord(char):04X})")
            groups.append("l")
        elif char in SYNTAX:
            out.append("\\" + char)
        else:
            out.append(char)
    source = "".join(out)
    if template and WORD.match(template[0]):
        if literal_first:
            source = f"{source[0]}(?<![A-Za-z0-9_]{source[0]})" + source[1:]
        else:
            source = "(?<![A-Za-z0-9_])" + source
    if template and WORD.match(template[-1]):
        source += "(?![A-Za-z0-9_])"
    return source, groups


# The parts of a template's fixed text: literal characters, one marker character (a typed
# placeholder, or a literal marker whose value must equal the template's), a quoted
# placeholder ('...': the text up to the next quote).
LIT, MARK, QUOTE = 0, 1, 2


@dataclass(frozen=True)
class Item:
    kind: int
    text: str  # LIT: the characters; MARK: the marker; QUOTE: "'"
    group: int = -1  # the capture group it fills (-1: none)
    literal: int = -1  # MARK of a literal marker: which literal value it must have


@dataclass(frozen=True)
class Plan:
    """A template as the matchers run it, with work linear in the text: fixed segments
    between free placeholders, each found at its earliest place after the one before.

    `segments[i]` is followed by the free placeholder (group) `gaps[i]`; a free placeholder
    takes the fewest characters (at least one) that let the rest match, except a final one,
    which takes the rest of the text. This finds what `regex_source`'s expression finds,
    without backtracking; literal markers are checked where they are, not afterwards.
    """

    segments: tuple[tuple[Item, ...], ...]
    gaps: tuple[int, ...]
    groups: tuple[str, ...]  # per group: "p" a placeholder, "l" a literal marker
    word_start: bool  # the template starts with a word character: no word character before
    word_end: bool  # ... ends with one: no word character after


def plan(template: str) -> Plan:
    """The segments of a normalised template (see `Plan`)."""
    template = ascii_lower(template)
    segments: list[list[Item]] = [[]]
    gaps: list[int] = []
    groups: list[str] = []
    literals = 0
    for char in template:
        if char == P_ANY or char == MASK:
            gaps.append(len(groups))
            groups.append("p")
            segments.append([])
        elif char == P_QUOTED:
            segments[-1].append(Item(QUOTE, "'", len(groups)))
            groups.append("p")
        elif char in TYPED_MARKER:
            segments[-1].append(Item(MARK, TYPED_MARKER[char], len(groups)))
            groups.append("p")
        elif char in MARKERS:
            segments[-1].append(Item(MARK, char, len(groups), literals))
            groups.append("l")
            literals += 1
        elif segments[-1] and segments[-1][-1].kind == LIT:
            segments[-1][-1] = Item(LIT, segments[-1][-1].text + char)
        else:
            segments[-1].append(Item(LIT, char))
    return Plan(tuple(tuple(s) for s in segments), tuple(gaps), tuple(groups),
                bool(template) and bool(WORD.match(template[0])),
                bool(template) and bool(WORD.match(template[-1])))


def windows(lines: list[Line], size: int) -> Iterator[tuple[int, int]]:
    """(first, count) of each run of 1, then 2, ... up to `size` adjacent non-empty lines."""
    run = [0] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        run[index] = run[index + 1] + 1 if lines[index].text else 0
    for count in range(1, size + 1):
        for first in range(len(lines)):
            if run[first] >= count:
                yield first, count
