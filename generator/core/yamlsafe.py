"""A plain-data YAML reader for the files the catalogue loader does not read (front matter,
xref maps, DocFX pivots) and for comparing texts by their data (`kb fmt`).

ruamel.yaml's safe loader resolves a lone `=` to YAML 1.1's "value" type, which it cannot
construct (`title: =` fails with "could not determine a constructor"); here it is the
one-character string it is in YAML 1.2 and in the catalogue loader.
"""

from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor

VALUE_TAG = "tag:yaml.org,2002:value"


class PlainConstructor(SafeConstructor):
    """The safe constructor, reading `=` as text."""


PlainConstructor.add_constructor(VALUE_TAG, SafeConstructor.construct_yaml_str)


def safe_yaml() -> YAML:
    """A safe, pure-Python YAML reader that builds plain dicts, lists and scalars."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = PlainConstructor
    return yaml
