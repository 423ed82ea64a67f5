"""Lookup pieces: a version's lookup index split so that a page loads only what a query needs.

Input: one version's lookup index (see `index`); output: a manifest and pieces, each a
script that sets a global (so pages work from file://), written under
`assets/lookup/pieces/`. `assets/lookup/loader.js` reads them back: for a query it loads
the pieces of the query's words and builds a smaller index that ranks exactly as the whole
one does (the browser tests and tests/test_lookup_pieces.py compare the two).

A piece holds, for each word that hashes to it, the patterns that contain it (unless it is
one of the index's common words, which the fuzzy step does not use), the patterns anchored
by that word and the codes it names, with the entries these refer to.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .pattern import fuzzy_tokens

# An index of at most this many bytes of JSON is loaded whole, as one script.
THRESHOLD = 64 * 1024
# About this many bytes of JSON per piece.
PIECE_BYTES = 12 * 1024
MANIFEST = "assets/lookup/pieces/manifest.js"
PIECES_FORMAT = 2
CODE_TAIL_DIGITS = 4
_LETTERS = re.compile("[a-z]+")


def word_hash(word: str) -> int:
    """FNV-1a (32 bits) over the word's UTF-16 code units; loader.js computes the same."""
    value = 0x811C9DC5
    for char in word:
        value ^= ord(char)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def code_keys(code: str) -> list[str]:
    """The words by which a code is found: the code, and its digits when it ends in 4+."""
    keys = [code]
    digits = ""
    for char in reversed(code):
        if not char.isdigit():
            break
        digits = char + digits
    rest = code[:len(code) - len(digits)]
    if len(digits) >= CODE_TAIL_DIGITS and rest and rest[-1].isalpha():
        keys.append(digits)
    return keys


def vocabulary(index: dict[str, Any]) -> list[str]:
    """Words of 3+ letters that messages, entry titles and cause titles use: what the
    search box corrects a misspelt word to."""
    found: set[str] = set()

    def add(text: str) -> None:
        for word in _letters(text):
            if len(word) >= 3:
                found.add(word)

    for pattern in index["patterns"]:
        add(pattern[1])
    for entry in index["entries"]:
        add(entry[2])
        for cause in entry[3]:
            add(cause[1])
    return sorted(found)


def _letters(text: str) -> list[str]:
    """The runs of the letters a-z in the lowercased text."""
    return _LETTERS.findall(text.lower())


def split(index: dict[str, Any], piece_bytes: int = PIECE_BYTES) -> tuple[dict[str, Any],
                                                                          list[dict[str, Any]],
                                                                          list[dict[str, Any]]]:
    """The manifest, the word pieces and the pattern pages of `index`."""
    patterns = index["patterns"]
    entries = index["entries"]
    common = set(index["common"])
    containing: dict[str, list[int]] = {}
    for number, pattern in enumerate(patterns):
        for word in sorted(set(fuzzy_tokens(pattern[1]))):
            containing.setdefault(word, []).append(number)
    anchored: dict[str, list[int]] = {}
    always: list[int] = []
    for number, pattern in enumerate(patterns):
        if pattern[4]:
            anchored.setdefault(pattern[4], []).append(number)
        else:
            always.append(number)
    codes: dict[str, list[list[Any]]] = {}
    for code, entry in index["codes"]:
        for key in code_keys(code):
            codes.setdefault(key, []).append([code, entry])
    no_piece: list[str] = []
    words: dict[str, list[Any]] = {}
    for key in sorted(set(containing) | set(anchored) | set(codes)):
        rare = key not in common
        if not rare and key not in anchored and key not in codes:
            no_piece.append(key)  # the loader needs nothing of it
            continue
        # [patterns that contain it (null for a common word), patterns it anchors, codes it
        #  names]
        words[key] = [containing.get(key, []) if rare else None, anchored.get(key, []),
                      codes.get(key, [])]
    size = len(json.dumps(words, separators=(",", ":")))
    count = max(1, math.ceil(size / piece_bytes))
    buckets: list[dict[str, Any]] = [{"words": {}, "entries": {}} for _ in range(count)]
    for key, value in words.items():
        bucket = buckets[word_hash(key) % count]
        bucket["words"][key] = value
        for _, entry in value[2]:
            bucket["entries"][str(entry)] = entries[entry]
    pages: list[dict[str, Any]] = []
    for number, pattern in enumerate(patterns):
        if not pages or pages[-1]["size"] >= piece_bytes:
            pages.append({"first": number, "patterns": [], "entries": {}, "size": 0})
        page = pages[-1]
        page["patterns"].append(pattern)
        page["entries"][str(pattern[0])] = entries[pattern[0]]
        page["size"] += len(json.dumps(pattern)) + len(json.dumps(entries[pattern[0]]))
    for page in pages:
        del page["size"]
    manifest = {
        "format": PIECES_FORMAT,
        "index": {key: index[key] for key in ("format", "moniker", "title", "new_entry_url",
                                              "topics", "common")},
        "words": count,
        "pages": [page["first"] for page in pages],
        "always": always,
        "no_piece": no_piece,
        "vocabulary": vocabulary(index),
    }
    return manifest, buckets, pages


def word_path(number: int) -> str:
    return f"assets/lookup/pieces/w{number:03d}.js"


def page_path(number: int) -> str:
    return f"assets/lookup/pieces/p{number:03d}.js"


def _script(prefix: str, value: Any) -> bytes:
    data = json.dumps(value, separators=(",", ":"), sort_keys=True)
    return f"{prefix}{data};\n".encode("ascii")


def files(index: dict[str, Any], threshold: int = THRESHOLD,
          piece_bytes: int = PIECE_BYTES) -> dict[str, bytes]:
    """The files of the split index, or none when the whole index is at most `threshold`
    bytes of JSON (then pages load `lookup-index.js` whole)."""
    size = len(json.dumps(index, separators=(",", ":")))
    if size <= threshold:
        return {}
    manifest, words, pages = split(index, piece_bytes)
    # Keyed by version: a page may load another version's pieces beside its own.
    moniker = json.dumps(index["moniker"])[1:-1]
    store = "(window.KB_LOOKUP_PIECE = window.KB_LOOKUP_PIECE || {})"
    out: dict[str, bytes] = {}
    for number, piece in enumerate(words):
        out[word_path(number)] = _script(f'{store}["{moniker}/w{number}"] = ', piece)
    for number, page in enumerate(pages):
        out[page_path(number)] = _script(f'{store}["{moniker}/p{number}"] = ', page)
    # Sizes, so that a text needing more than the whole index (a long log) gets it whole.
    manifest["sizes"] = {
        "w": [len(out[word_path(n)]) for n in range(len(words))],
        "p": [len(out[page_path(n)]) for n in range(len(pages))],
        "whole": len("window.KB_LOOKUP_INDEX = ") + size + 2,
    }
    out[MANIFEST] = _script(
        f'(window.KB_LOOKUP_PIECES = window.KB_LOOKUP_PIECES || {{}})["{moniker}"] = ',
        manifest)
    return dict(sorted(out.items()))
