"""Versions: products, their ordered monikers, and DocFX moniker ranges.

Input: the validated `products.yml` model and range strings; output: the set of
monikers a range selects. Grammar (DocFX): range := set ("||" set)*,
set := comparator+ (whitespace = AND), comparator := op? moniker, op in = < <= > >=.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .diagnostics import Loc, did_you_mean

MONIKER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
OPERATORS = ("<=", ">=", "<", ">", "=")


@dataclass(frozen=True)
class Moniker:
    """One product version, e.g. `tfs-2018`; `index` orders it within its product."""

    name: str
    title: str
    product: str
    index: int


@dataclass(frozen=True)
class Product:
    """A product and its monikers, oldest first."""

    name: str
    title: str
    monikers: tuple[Moniker, ...]


@dataclass(frozen=True)
class Products:
    """Every product, the default moniker and moniker aliases (`latest` → name)."""

    products: tuple[Product, ...]
    default: str
    aliases: tuple[tuple[str, str], ...] = ()
    _by_name: dict[str, Moniker] = field(default_factory=dict, compare=False, repr=False)
    _all: list[Range] = field(default_factory=list, compare=False, repr=False)
    _parsed: dict[str, Range] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names: dict[str, Moniker] = {}
        for product in self.products:
            for moniker in product.monikers:
                if moniker.name.lower() in names:
                    raise ValueError(f"moniker '{moniker.name}' is defined twice")
                names[moniker.name.lower()] = moniker
        if self.default.lower() not in names:
            raise ValueError(f"default moniker '{self.default}' is not a defined moniker")
        for alias, target in self.aliases:
            if target.lower() not in names:
                raise ValueError(f"alias '{alias}' points to unknown moniker '{target}'")
            if alias.lower() in names:
                raise ValueError(f"alias '{alias}' has the name of a moniker")
        self._by_name.update(names)
        self._all.append(Range("", frozenset(m.name for m in names.values())))

    @property
    def monikers(self) -> tuple[Moniker, ...]:
        """All monikers, product by product, oldest first within each."""
        return tuple(m for p in self.products for m in p.monikers)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.monikers)

    def get(self, name: str) -> Moniker | None:
        return self._by_name.get(name.lower())

    def __getitem__(self, name: str) -> Moniker:
        moniker = self.get(name)
        if moniker is None:
            raise KeyError(name)
        return moniker

    def __iter__(self) -> Iterator[Moniker]:
        return iter(self.monikers)

    def product(self, name: str) -> Product:
        for product in self.products:
            if product.name == name:
                return product
        raise KeyError(name)

    def aliases_of(self, moniker: str) -> list[str]:
        return [alias for alias, target in self.aliases if target == moniker]

    def resolve_alias(self, name: str) -> str | None:
        """The moniker a name or alias stands for (case-insensitive), or None."""
        moniker = self.get(name)
        if moniker is not None:
            return moniker.name
        for alias, target in self.aliases:
            if alias.lower() == name.lower():
                return self[target].name
        return None

    def everything(self) -> Range:
        """The range of an object that sets none: every moniker."""
        return self._all[0]


@dataclass(frozen=True)
class Range:
    """A parsed range: its source text and the monikers it selects (and, read from a
    catalogue file, where it is written: not part of its value)."""

    text: str
    monikers: frozenset[str]
    loc: Loc | None = field(default=None, compare=False, repr=False)

    def __contains__(self, moniker: object) -> bool:
        return moniker in self.monikers

    def __and__(self, other: Range) -> Range:
        if not self.text or other.monikers <= self.monikers:
            return other
        if not other.text or self.monikers <= other.monikers:
            return self
        return Range(f"({self.text}) && ({other.text})", self.monikers & other.monikers)

    @property
    def empty(self) -> bool:
        return not self.monikers

    def sorted(self, products: Products) -> list[str]:
        return [name for name in products.names if name in self.monikers]


class RangeError(ValueError):
    """A range that does not parse; `offset` is the 0-based position in the text."""

    def __init__(self, message: str, offset: int, suggestion: str = ""):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.suggestion = suggestion


@dataclass(frozen=True)
class _Token:
    kind: str  # "or", "op", "name", "end"
    text: str
    offset: int


def _tokens(text: str) -> Iterator[_Token]:
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
            continue
        if text.startswith("||", pos):
            yield _Token("or", "||", pos)
            pos += 2
            continue
        op = next((o for o in OPERATORS if text.startswith(o, pos)), None)
        if op is not None:
            yield _Token("op", op, pos)
            pos += len(op)
            continue
        match = MONIKER_NAME.match(text, pos)
        if match is None:
            raise RangeError(
                f"unexpected character {char!r} in range '{text}'",
                pos,
                "use monikers joined by '||', spaces and the operators = < <= > >=",
            )
        yield _Token("name", match.group(), pos)
        pos = match.end()
    yield _Token("end", "", len(text))


def _select(op: str, moniker: Moniker, products: Products) -> set[str]:
    same = products.product(moniker.product).monikers
    i = moniker.index
    keep: dict[str, Callable[[int], bool]] = {
        "=": lambda j: j == i,
        "<": lambda j: j < i,
        "<=": lambda j: j <= i,
        ">": lambda j: j > i,
        ">=": lambda j: j >= i,
    }
    return {m.name for m in same if keep[op](m.index)}


def parse_range(text: str, products: Products) -> Range:
    """Parse a DocFX moniker range; raise RangeError with the offending offset."""
    known = products._parsed.get(text)
    if known is None:
        known = products._parsed[text] = _parse_range(text, products)
    return known


def _parse_range(text: str, products: Products) -> Range:
    if not text.strip():
        raise RangeError("empty range", 0, "write a moniker such as '>= " + products.names[0] + "'")
    selected: set[str] = set()
    current: set[str] | None = None
    pending_op: _Token | None = None
    last: _Token | None = None
    for token in _tokens(text):
        if token.kind == "op":
            if pending_op is not None:
                raise RangeError(
                    f"operator '{token.text}' follows operator '{pending_op.text}'",
                    token.offset,
                    "write one operator before each moniker",
                )
            pending_op = token
        elif token.kind == "name":
            moniker = products.get(token.text)
            if moniker is None:
                target = products.resolve_alias(token.text)
                hint = (
                    f"aliases are not allowed in ranges; write '{target}'"
                    if target
                    else moniker_hint(token.text, products.names)
                )
                raise RangeError(f"unknown moniker '{token.text}'", token.offset, hint)
            chosen = _select(pending_op.text if pending_op else "=", moniker, products)
            current = chosen if current is None else current & chosen
            pending_op = None
        else:  # "or" or "end"
            if pending_op is not None:
                raise RangeError(
                    f"operator '{pending_op.text}' is not followed by a moniker",
                    pending_op.offset,
                    f"write a moniker after '{pending_op.text}'",
                )
            if current is None:
                where = "before '||'" if token.kind == "or" else "after '||'" if last else ""
                raise RangeError(
                    f"empty set {where} in range '{text}'".replace("  ", " "),
                    token.offset,
                    "each side of '||' needs at least one moniker",
                )
            selected |= current
            current = None
        last = token
    return Range(text.strip(), frozenset(selected))


def moniker_hint(name: str, names: Sequence[str]) -> str:
    """A did-you-mean for a misspelt moniker ('tfs2018'), else the list of monikers.

    A name that differs from a moniker only in its digits ('tfs-2016' for 'tfs-2018') names
    another version, not a typo: guessing a neighbour would mislead, so the list is given.
    """
    close = did_you_mean(name, names)
    guess = close.removeprefix("did you mean '").removesuffix("'?")
    if close and re.sub(r"\D", "", guess) == re.sub(r"\D", "", name):
        return close
    return "the versions are, oldest first: " + ", ".join(names)


def format_monikers(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def describe_versions(applies: Range, products: Products) -> str:
    """'TFS 2015 to Azure DevOps Services': the versions of a range, as runs of titles."""
    runs: list[list[str]] = []
    for product in products.products:
        run: list[str] = []
        for moniker in product.monikers:
            if moniker.name in applies:
                run.append(moniker.title)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    parts = [run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs]
    return ", ".join(parts) or "no version"
