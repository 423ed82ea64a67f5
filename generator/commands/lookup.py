"""kb lookup: find the catalogue entry for an error message or a log."""

from __future__ import annotations

import argparse
import codecs
import gc
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..cli import UsageError
from ..core.diagnostics import DiagnosticError, Diagnostics
from ..core.project import Project
from ..core.versions import moniker_hint

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..features.lookup.match import Lookup, Pasted, Result

ORDER = 15


CHUNK = 1 << 20
# Bytes kept from the end of a long input: enough for the matcher's limit in any encoding
# (each UTF-16 code unit it keeps takes at most 4 bytes), so memory stays bounded.
KEEP = 4 * (1 << 20) + 4


class _Utf8From16:
    """A UTF-16 byte stream that began with its byte-order mark (what Windows PowerShell 5
    writes with '>'), read as UTF-8 bytes, chunk by chunk."""

    def __init__(self, stream: BinaryIO, first: bytes) -> None:
        self.stream, self.first = stream, first
        self.decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")

    def read(self, size: int) -> bytes:
        while True:
            data, self.first = self.first or self.stream.read(size), b""
            text = self.decoder.decode(data, final=not data)
            if text or not data:
                return text.encode("utf-8", errors="replace")


def read_tail(stream: BinaryIO) -> tuple[bytes, int]:
    """The end of a byte stream (at most KEEP bytes, read in chunks, never all of it at
    once) and how many whole lines were left out before it. A stream that starts with
    UTF-16's byte-order mark is read as UTF-8."""
    kept = bytearray()
    dropped = 0
    first = stream.read(CHUNK)
    source: Any = stream
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        source, first = _Utf8From16(stream, first), b""
    while True:
        chunk, first = first or source.read(CHUNK), b""
        if not chunk:
            break
        kept += chunk
        if len(kept) > 2 * KEEP:
            cut = len(kept) - KEEP
            if kept[cut - 1:cut] == b"\r":  # never split a \r\n in two
                cut -= 1
            head = bytes(kept[:cut])
            dropped += head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n")
            del kept[:cut]
    return bytes(kept), dropped


def decode_tail(data: bytes, dropped: int) -> tuple[str, int]:
    """UTF-8 bytes as text (bad bytes replaced); of a long input only as much of the end as
    the matcher keeps is decoded, the lines before it counted in `dropped`."""
    from ..features.lookup.match import MAX_INPUT, units

    if len(data) > MAX_INPUT + 4:
        cut = len(data) - MAX_INPUT - 4
        if data[cut - 1:cut] == b"\r":
            cut -= 1
        text = data[cut:].decode("utf-8", errors="replace")
        if units(text) > MAX_INPUT:  # enough: the matcher cuts at a line start after it
            head = data[:cut]
            return text, dropped + head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n")
    return data.decode("utf-8", errors="replace"), dropped


def read_input(args: argparse.Namespace) -> tuple[str, int]:
    """The text to look up (the arguments, a file, or standard input '-'), and how many
    lines before it were left out because the input is long."""
    if args.file and args.text:
        raise UsageError("give the text as arguments or with -f, not both")
    source = args.file or ("-" if args.text == ["-"] else None)
    dropped = 0
    text = ""
    if source == "-":
        text, dropped = decode_tail(*read_tail(sys.stdin.buffer))
    elif source is not None:
        try:
            with Path(source).open("rb") as handle:
                text, dropped = decode_tail(*read_tail(handle))
        except OSError as err:
            raise UsageError(f"cannot read {source}: {err.strerror}") from err
    else:
        text = " ".join(args.text)
    if not text.strip():
        raise UsageError("nothing to look up: pass a message, -f FILE, or - for standard input")
    return text, dropped


@dataclass(frozen=True)
class Elsewhere:
    """The best entry the text finds in another version, where the chosen one has none."""

    moniker: str
    title: str
    result: Result
    base: str  # the version's address: in the site, or from its root without site_url

    def as_json(self) -> dict[str, Any]:
        result = self.result.as_json()
        result["href"] = self.base + self.result.url
        return {"version": self.moniker, "version_title": self.title, "result": result}


TRUNCATED = "(only the end of the text was searched: its last 1 MB and 20,000 lines"


def print_text(found: Lookup, base: str, elsewhere: list[Elsewhere], versions: int) -> None:
    """The results as text; where there are none, the other versions' (`versions`: how
    many versions the catalogue has)."""
    out = sys.stdout
    if not found.results:
        print(f"No entry matches this text for {found.title} ({found.moniker}).", file=out)
        if found.truncated:
            print(f"{TRUNCATED}; an error before that was not looked at: pass the lines "
                  "around it)", file=out)
        if elsewhere:
            print("Found in other versions:", file=out)
            for other in elsewhere:
                print(f"  {other.title} ({other.moniker}): {other.result.title}", file=out)
                print(f"    {other.base}{other.result.url}", file=out)
            print("('kb lookup --version MONIKER' shows the match in that version.)", file=out)
        elif versions > 1:
            print("No other version has a match either.", file=out)
        if found.propose_url:
            print(f"Propose a new entry: {found.propose_url}", file=out)
        return
    for rank, result in enumerate(found.results, 1):
        print(f"{rank}. {result.title}  [{result.kind}, score {result.score}]", file=out)
        print(f"   {base}{result.url}", file=out)
        if result.cause:
            print(f"   cause: {result.cause[1]} (#{result.cause[0]})", file=out)
        where = f"line {result.line}" if result.line == result.end_line \
            else f"lines {result.line}-{result.end_line}"
        first, *rest = result.text.splitlines() or [""]
        print(f"   {where}: {first}", file=out)
        for line in rest:
            print(f"   {' ' * len(where)}  {line}", file=out)
        for name, value in result.values:
            print(f"   {name} = {value}", file=out)
    if found.truncated:
        print(f"{TRUNCATED})", file=out)


def elsewhere_of(catalogue: Catalogue, moniker: str, text: str, dropped: int,
                 site_url: str) -> list[Elsewhere]:
    """The other versions, oldest first, in which `text` finds an entry, each with its best
    one (what the site's lookup page names under "Found in other versions"). The text is
    read once; the versions are looked in on every core."""
    from ..core.parallel import fork_map
    from ..features.lookup.match import read_pasted
    from ..site.build import version_url

    others = [m for m in catalogue.products.monikers if m.name != moniker]
    found = fork_map(_best_in, [m.name for m in others], (catalogue, read_pasted(text, dropped)))
    return [Elsewhere(other.name, other.title, result,
                      version_url(site_url, other.name) or f"{other.name}/")
            for other, result in zip(others, found, strict=True) if result is not None]


def _best_in(context: tuple[Catalogue, Pasted], moniker: str) -> Result | None:
    """The entry the pasted text finds first in the version `moniker`, if any."""
    from ..catalogue.resolve import resolve
    from ..features.lookup.index import build_index
    from ..features.lookup.match import Matcher

    catalogue, pasted = context
    index = build_index(catalogue, resolve(catalogue, moniker), moniker, "")
    results = Matcher(index).lookup(pasted, 1).results
    return results[0] if results else None


def run(args: argparse.Namespace, project: Project) -> int:
    # Imported here, so that `kb` starts fast for the other commands.
    from ..catalogue.resolve import resolve
    from ..catalogue.validate import load_catalogue
    from ..core.project import site_settings
    from ..features.lookup.index import build_index
    from ..features.lookup.match import Matcher
    from ..features.lookup.site import new_entry_url
    from ..site.build import version_url

    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be 1 or more, found {args.limit}")
    text, dropped = read_input(args)
    diagnostics = Diagnostics()
    # A lookup helps most while the catalogue is being fixed (which entry wins, where two
    # overlap), so it runs on whatever validated and says what it left out. Topic folders
    # unchanged since the last lookup are taken as validated then (a folder of its own
    # under build/: kb build keeps its topics with the features' checks, a lookup without).
    catalogue = load_catalogue(project, diagnostics, markdown=False, partial=True,
                               cache=project.build_dir / "cache" / "lookup-topics")
    if catalogue is None:
        raise DiagnosticError(diagnostics.sorted())
    # The catalogue lives as long as the command: the garbage collector need not walk it
    # again while the version is resolved and its index made (as kb build does).
    gc.freeze()
    if diagnostics.has_errors():
        errors = len(diagnostics.errors)
        print(f"kb lookup: note: the catalogue has {errors} error{'s' if errors != 1 else ''} "
              "(kb check lists them); this lookup uses the entries that validated",
              file=sys.stderr)
    products = catalogue.products
    moniker = products.resolve_alias(args.version) if args.version else products.default
    if moniker is None:
        raise UsageError(f"unknown version '{args.version}'; "
                         + moniker_hint(args.version, products.names))
    settings = site_settings(project)
    index = build_index(catalogue, resolve(catalogue, moniker), moniker,
                        new_entry_url(settings))
    found = Matcher(index).lookup(text, args.limit, dropped)
    site_url = str(settings.get("site_url") or "")
    base = version_url(site_url, moniker)
    # Where the version has no entry for the text, the reader may be on the wrong version,
    # or the fix may be documented for another one: the versions that have a match are named.
    elsewhere = [] if found.results else elsewhere_of(catalogue, moniker, text, dropped,
                                                      site_url)
    if args.json:
        data: dict[str, Any] = found.as_json()
        for result in data["results"]:
            result["href"] = base + result["url"] if base else result["url"]
        data["elsewhere"] = [other.as_json() for other in elsewhere]
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_text(found, base, elsewhere, len(products.names))
    return 0 if found.results else 1


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "lookup", help="find the entry for an error message or a log",
        description="Match an error message, or a whole log, against the catalogue's\n"
                    "messages and codes for one version, and list the entries found, best\n"
                    "first: exact messages, then message patterns, then error codes, then\n"
                    "similar messages. Colour codes, timestamps, ##[error] prefixes, GUIDs,\n"
                    "numbers, URLs, paths and masked values (***) are taken care of.\n\n"
                    "It runs even while the catalogue has errors, on the files that\n"
                    "validate, and says so. When nothing matches in the version, it names\n"
                    "the other versions in which the text finds an entry, with that entry.\n\n"
                    "Exit status: 0 when something matched, 1 when nothing did (or\n"
                    "products.yml is broken), 2 for usage errors.",
        epilog="examples:\n"
               "  kb lookup 'AADSTS7000215: Invalid client secret is provided.'\n"
               "  kb lookup -f build.log --version tfs-2018\n"
               "  cat build.log | kb lookup - --json --limit 3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", nargs="*", metavar="TEXT",
                        help="the message to look up; '-' reads standard input")
    parser.add_argument("-f", "--file", metavar="FILE",
                        help="read the text from FILE ('-' for standard input)")
    parser.add_argument("--version", metavar="MONIKER",
                        help="the product version (moniker or alias); default: the "
                             "default version of products.yml")
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON, for scripts")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="show at most N entries (default: all that match)")
    parser.set_defaults(handler=run)
