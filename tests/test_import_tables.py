"""`kb import docfx ARTICLE.md` on articles that list their errors in a table, one error per
row (`| Code | Error message | Details and solution |`, `| Error | Description |`): each
row is an entry, in the table's place, that `kb check --strict` accepts and `kb lookup`
finds; tables that list no errors stay text. On the shared corpus, Microsoft Entra's
reference of AADSTS codes gives one entry per code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.authoring.tables import cells, error_tables, roles_of
from tests.conftest import SHARED
from tests.helpers_cli import kb
from tests.test_import_article import run_import

ENTRA_CODES = SHARED / "docfx-corpus" / "entra-docs" / "docs" / "identity-platform" / \
    "reference-error-codes.md"

# Invented errors, in the shape of Azure Container Instances' table of Spot errors.
WIDGET_TABLE = """\
# Errors when you create a widget

This article explains the errors you may see when you create a widget.

| Code | Error message | Details and solution |
|--|--|--|
| `WidgetNameTaken` | `The widget name '{name}' is already in use in region '{region}'.` \
| Widget names are unique in a region. Choose another name, and try again. |
| `WidgetQuotaReached` | `The subscription reached its quota of widgets.` \
| Each subscription holds 20 widgets.<br>Delete a widget you no longer use, or ask for \
a higher quota. |
| `WidgetPipe` | `Widget sizes must be one of small\\|large.` | Use `small` or `large`. |

## More information

- [About widgets](https://example.org/widgets)
"""

# Invented codes, in the shape of Microsoft Entra's reference of AADSTS codes.
CODE_TABLE = """\
# Widget service error codes

Look up an error code of the widget service.

## Handling errors

| Parameter | Description |
|---|---|
| `error` | A string that classifies the error. |

## Widget error codes

The following table lists the codes.

| Error | Description |
|---|---|
| WDG10001 | NotFound - The widget named {name} wasn't found. Check the name. |
| WDG10002 | Throttled - Too many requests:<ul><li>Wait a minute</li><li>Send fewer \
requests</li></ul> |
| WDG10003 | Expired - The widget's lease expired.</br>Renew the lease. |

## Next steps

Read about widgets.
"""


def load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text())
    assert isinstance(data, dict)
    return data


def imported(tmp_path: Path, text: str) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """The repository, the topic and its entries by id after importing `text`."""
    repo, _article, run = run_import(tmp_path, text, "article.md", "--report")
    assert "Traceback" not in run.stderr
    folder = repo / "catalogue" / "t1"
    entries = {p.stem: load(p) for p in folder.glob("*.yml") if p.name != "_topic.yml"}
    return repo, load(folder / "_topic.yml"), entries


def test_each_row_of_a_table_of_errors_is_an_entry_with_its_fix(tmp_path: Path) -> None:
    repo, topic, entries = imported(tmp_path, WIDGET_TABLE)
    # The rows in the table's order, named by their message's first eight words.
    assert topic["order"] == ["the-widget-name-name-is-already-in-use",
                              "the-subscription-reached-its-quota-of-widgets",
                              "widget-sizes-must-be-one-of-smalllarge"]
    # The table leaves the text around it; the section after it stays one.
    assert topic["intro"].split() == ["This", "article", "explains", "the", "errors", "you",
                                      "may", "see", "when", "you", "create", "a", "widget."]
    assert [s["id"] for s in topic["closing_sections"]] == ["more-information"]
    taken = entries["the-widget-name-name-is-already-in-use"]
    assert taken["title"] == "The widget name '{name}' is already in use in region '{region}'."
    assert taken["messages"] == ["The widget name '{name}' is already in use in region "
                                 "'{region}'."]
    assert taken["codes"] == ["WidgetNameTaken"]
    assert len(taken["samples"]) == 1
    [cause] = taken["causes"]
    [fix] = cause["fixes"]
    # The fix's title is the sentence that says what to do; its step is the row's text.
    assert fix["title"] == "Choose another name, and try again"
    assert fix["steps"] == ["Widget names are unique in a region. Choose another name, and "
                            "try again."]
    assert cause["check"].startswith("Does this apply: ")
    # A line break in a cell is a new paragraph; an escaped pipe is a pipe.
    quota = entries["the-subscription-reached-its-quota-of-widgets"]["causes"][0]["fixes"][0]
    assert quota["steps"] == ["Each subscription holds 20 widgets.\n\nDelete a widget you no "
                              "longer use, or ask for a higher quota."]
    pipe = entries["widget-sizes-must-be-one-of-smalllarge"]
    assert pipe["messages"] == ["Widget sizes must be one of small|large."]
    assert pipe["causes"][0]["fixes"][0]["steps"] == ["Use `small` or `large`."]
    assert kb("check", "--strict", cwd=repo).code == 0
    # A reader's paste, placeholders filled in, finds its row's entry first.
    found = json.loads(kb("lookup", "--json", "Error: The widget name 'w1' is already in "
                          "use in region 'westus'.", cwd=repo).stdout)["results"]
    assert found[0]["entry"] == "the-widget-name-name-is-already-in-use"
    found = json.loads(kb("lookup", "--json", "WidgetQuotaReached", cwd=repo).stdout)["results"]
    assert found[0]["entry"] == "the-subscription-reached-its-quota-of-widgets"


def test_a_table_of_codes_and_descriptions_gives_reference_entries(tmp_path: Path) -> None:
    repo, topic, entries = imported(tmp_path, CODE_TABLE)
    assert topic["order"] == ["wdg10001", "wdg10002", "wdg10003"]
    # The heading over the table is a section, the entries follow it, and the heading
    # after them closes the page; a table of parameters stays in its section's text.
    assert [s["id"] for s in topic["sections"]] == ["handling-errors", "widget-error-codes"]
    assert "| `error` | A string that classifies the error. |" in topic["sections"][0]["body"]
    assert topic["sections"][1]["body"].strip() == "The following table lists the codes."
    assert [s["id"] for s in topic["closing_sections"]] == ["next-steps"]
    found = entries["wdg10001"]
    assert found["title"] == "WDG10001: NotFound - The widget named {name} wasn't found"
    assert found["codes"] == ["WDG10001"]
    assert "causes" not in found and "messages" not in found
    assert found["summary"] == "NotFound - The widget named {name} wasn't found. Check the " \
        "name.\n"
    # An HTML list in a cell is a Markdown list; a line break (even written `</br>`) is a
    # new paragraph.
    assert entries["wdg10002"]["summary"] == ("Throttled - Too many requests:\n\n"
                                              "- Wait a minute\n- Send fewer requests\n")
    assert entries["wdg10003"]["summary"] == "Expired - The widget's lease expired.\n\n" \
        "Renew the lease.\n"
    assert kb("check", "--strict", cwd=repo).code == 0
    found_code = json.loads(kb("lookup", "--json", "Sign-in failed: WDG10002", cwd=repo)
                            .stdout)["results"]
    assert found_code[0]["entry"] == "wdg10002"


def test_a_row_that_names_no_error_is_left_out_with_a_warning(tmp_path: Path) -> None:
    repo, article, run = run_import(
        tmp_path, "# Widget codes\n\n| Code | Description |\n|---|---|\n| WDG20001 | The "
        "widget is busy. |\n|  | A row without its code. |\n| | |\n")
    assert f"{article}:6:1: warning: table of errors: a row names no error (no code or " \
        "message); it was left out" in run.stderr.splitlines()
    assert sorted(p.stem for p in (repo / "catalogue" / "t1").glob("*.yml")) == [
        "_topic", "wdg20001"]


@pytest.mark.parametrize(("headers", "roles"), [
    (["Code", "Error message", "Details and solution"],
     {"code": 0, "message": 1, "fix": 2}),
    (["Error", "Description"], {"code": 0, "description": 1}),
    (["Error Code", "Description", "Client Action"], {"code": 0, "description": 1, "fix": 2}),
    (["**Message**", "Cause", "Resolution"], {"message": 0, "cause": 1, "fix": 2}),
    (["Parameter", "Description"], {"description": 1}),
    (["Scenario", "Action"], {"fix": 1}),
])
def test_what_a_column_holds_comes_from_its_header(headers: list[str],
                                                   roles: dict[str, int]) -> None:
    assert roles_of(headers) == roles


def test_tables_that_list_no_errors_are_no_tables_of_errors() -> None:
    """A column that names errors and one that says something of them, both; outside code
    fences; a delimiter row with as many cells as the header."""
    assert error_tables(["| Scenario | Action |", "|---|---|", "| A | B |"]) == []
    assert error_tables(["| Parameter | Description |", "|---|---|", "| a | b |"]) == []
    assert error_tables(["```", "| Code | Description |", "|---|---|", "| E1 | b |",
                         "```"]) == []
    assert error_tables(["| Code | Description |", "|---|", "| E1 | b |"]) == []
    assert error_tables(["| Code | Description |", "|---|---|", "| | b |"]) == []
    [table] = error_tables(["Text.", "", "| Code | Description |", "|:--|--:|",
                            "| E1 | b |", "| E2 | c |", "", "| E3 | d |"])
    assert (table.first, table.end, [row for _, row in table.rows]) == (
        2, 6, [("E1", "b"), ("E2", "c")])


def test_a_row_splits_at_pipes_not_escaped() -> None:
    assert cells("| a | `b\\|c` | d |") == ("a", "`b|c`", "d")
    assert cells("a | b") == ("a", "b")
    assert cells("| a | b \\|") == ("a", "b |")


@pytest.mark.skipif(not ENTRA_CODES.is_file(), reason="the shared DocFX corpus is not present")
def test_the_entra_reference_gives_one_entry_per_aadsts_code(tmp_path: Path) -> None:
    """Every AADSTS code that begins a row of the reference's tables is the code of one
    entry, and the topic passes `kb check --strict`."""
    article = ENTRA_CODES.read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*(AADSTS\d+)\s*\|", article, re.MULTILINE)
    assert len(rows) > 200
    _repo, _topic, entries = imported(tmp_path, article)
    codes = [c for e in entries.values() for c in e.get("codes", []) if c.startswith("AADSTS")]
    assert sorted(codes) == sorted(set(rows))
    assert kb("check", "--strict", cwd=_repo).code == 0
