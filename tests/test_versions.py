"""Moniker ranges: every operator, '||', AND by whitespace, spacing, case, errors."""

from __future__ import annotations

import pytest

from generator.core.versions import Moniker, Product, Products, RangeError, parse_range

NAMES = ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018", "azure-devops-2019",
         "azure-devops-2020", "azure-devops-2022", "azure-devops"]


@pytest.fixture(scope="module")
def products() -> Products:
    monikers = tuple(Moniker(n, n.upper(), "azure-devops", i) for i, n in enumerate(NAMES))
    other = Product("other", "Other", (Moniker("other-1", "O1", "other", 0),
                                       Moniker("other-2", "O2", "other", 1)))
    return Products((Product("azure-devops", "Azure DevOps", monikers), other),
                    "azure-devops", (("latest", "azure-devops"),))


def pick(text: str, products: Products) -> list[str]:
    return parse_range(text, products).sorted(products)


@pytest.mark.parametrize(("text", "expected"), [
    ("tfs-2018", ["tfs-2018"]),
    ("= tfs-2018", ["tfs-2018"]),
    ("=tfs-2018", ["tfs-2018"]),
    ("< tfs-2017", ["tfs-2013", "tfs-2015"]),
    ("<= tfs-2017", ["tfs-2013", "tfs-2015", "tfs-2017"]),
    ("> azure-devops-2020", ["azure-devops-2022", "azure-devops"]),
    (">= azure-devops-2020", ["azure-devops-2020", "azure-devops-2022", "azure-devops"]),
])
def test_each_operator(text: str, expected: list[str], products: Products) -> None:
    assert pick(text, products) == expected


def test_whitespace_is_and(products: Products) -> None:
    assert pick(">= tfs-2015 < tfs-2018", products) == ["tfs-2015", "tfs-2017"]


def test_forms_without_spaces(products: Products) -> None:
    assert pick(">=tfs-2015<azure-devops", products) == NAMES[1:-1]
    assert pick(">=tfs-2017<=tfs-2018||azure-devops", products) == [
        "tfs-2017", "tfs-2018", "azure-devops"]


def test_or_joins_sets(products: Products) -> None:
    assert pick("<= tfs-2015 || >= azure-devops-2022", products) == [
        "tfs-2013", "tfs-2015", "azure-devops-2022", "azure-devops"]
    assert pick("tfs-2013 || tfs-2013", products) == ["tfs-2013"]


def test_names_are_case_insensitive(products: Products) -> None:
    assert pick(">= AZURE-DevOps-2022", products) == ["azure-devops-2022", "azure-devops"]


def test_operators_stay_within_a_product(products: Products) -> None:
    assert pick(">= other-1", products) == ["other-1", "other-2"]
    assert pick("> tfs-2013 || other-2", products) == [*NAMES[1:], "other-2"]


def test_contradiction_selects_nothing(products: Products) -> None:
    assert parse_range("> azure-devops", products).empty
    assert parse_range("< tfs-2015 > tfs-2018", products).empty


@pytest.mark.parametrize(("text", "message", "offset", "suggestion"), [
    ("tfs2018", "unknown moniker 'tfs2018'", 0, "did you mean 'tfs-2018'?"),
    (">= azure-devop", "unknown moniker 'azure-devop'", 3, "did you mean 'azure-devops'?"),
    ("latest", "unknown moniker 'latest'", 0,
     "aliases are not allowed in ranges; write 'azure-devops'"),
    ("", "empty range", 0, "write a moniker such as '>= tfs-2013'"),
    (">=", "operator '>=' is not followed by a moniker", 0, "write a moniker after '>='"),
    (">=<= tfs-2015", "operator '<=' follows operator '>='", 2,
     "write one operator before each moniker"),
    ("|| tfs-2015", "empty set before '||' in range '|| tfs-2015'", 0,
     "each side of '||' needs at least one moniker"),
    ("tfs-2015 ||", "empty set after '||' in range 'tfs-2015 ||'", 11,
     "each side of '||' needs at least one moniker"),
    ("tfs-2015 & tfs-2017", "unexpected character '&' in range 'tfs-2015 & tfs-2017'", 9,
     "use monikers joined by '||', spaces and the operators = < <= > >="),
])
def test_errors(text: str, message: str, offset: int, suggestion: str,
                products: Products) -> None:
    with pytest.raises(RangeError) as info:
        parse_range(text, products)
    assert (info.value.message, info.value.offset, info.value.suggestion) == (
        message, offset, suggestion)


def test_products_reject_inconsistent_definitions() -> None:
    one = Product("p", "P", (Moniker("a", "A", "p", 0),))
    with pytest.raises(ValueError, match="default moniker 'b' is not a defined moniker"):
        Products((one,), "b")
    with pytest.raises(ValueError, match="alias 'x' points to unknown moniker 'z'"):
        Products((one,), "a", (("x", "z"),))
