"""Fuzzing moniker ranges: texts made of the grammar's tokens, valid or not.

Properties: parsing gives a range or a RangeError located inside the text, never anything
else; the same text gives the same answer; `a || b` selects the union of what `a` and `b`
select, `a b` (two sets without `||`) the intersection.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core.versions import Range, RangeError, parse_range
from tests.fuzz.conftest import count, examples
from tests.helpers import shipped_like_products

TOKENS = ["tfs-2013", "tfs-2018", "azure-devops", "AZURE-DEVOPS-2019", "tfs2018", "latest",
          "nope", "=", ">=", "<=", "<", ">", "||", "|", " ", "  ", "\t", "(", ")", "&&", ",",
          "-", "", "é", "\u2028", "\x00", ">>", "=<", "tfs-2015.1"]
TEXT = st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=10).map("".join)
COMPARATOR = st.builds(lambda op, space, name: op + space + name,
                       st.sampled_from(["", "=", ">=", "<=", "<", ">"]),
                       st.sampled_from(["", " "]),
                       st.sampled_from(["tfs-2013", "tfs-2017", "azure-devops-2020",
                                        "azure-devops", "TFS-2018"]))
SET = st.lists(COMPARATOR, min_size=1, max_size=3).map(" ".join)


def parsed(text: str) -> Range | RangeError:
    try:
        return parse_range(text, shipped_like_products())  # fresh: no cached answers
    except RangeError as err:
        return err


@settings(max_examples=examples("ranges"))
@given(TEXT)
def test_any_text_parses_or_is_a_located_error(text: str) -> None:
    count("ranges")
    first, second = parsed(text), parsed(text)
    if isinstance(first, RangeError):
        assert isinstance(second, RangeError)
        assert 0 <= first.offset <= len(text)
        assert (first.message, first.offset) == (second.message, second.offset)
    else:
        assert first == second


@settings(max_examples=examples("ranges"))
@given(SET, SET)
def test_or_is_union_and_space_is_intersection(a: str, b: str) -> None:
    count("ranges")
    left, right = parsed(a), parsed(b)
    assert isinstance(left, Range) and isinstance(right, Range), (a, b)
    union = parsed(f"{a} || {b}")
    assert isinstance(union, Range) and union.monikers == left.monikers | right.monikers
    both = parsed(f"{a} {b}")
    assert isinstance(both, Range) and both.monikers == left.monikers & right.monikers
