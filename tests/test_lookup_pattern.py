"""Message templates and the shortcuts the Python matcher takes, against plain definitions."""

from __future__ import annotations

import re

import pytest

from generator.features.lookup.pattern import (
    GUID,
    MASK,
    NUMBER,
    P_ANY,
    P_URL,
    TIME,
    URL,
    VARIABLE,
    VARIABLE_KINDS,
    Line,
    mask_variables,
    normalise_clean,
    parse,
    regex_source,
    windows,
)


def test_a_template_keeps_names_literal_values_and_specificity() -> None:
    template = parse("Request to {url:url} failed with status 404.")
    assert template.text == f"Request to {P_URL} failed with status {NUMBER}"
    assert template.names == ("url",)
    assert template.literals == ("404",)
    assert template.specificity == len("Requesttofailedwithstatus") + 1
    assert not template.exact


def test_masked_values_and_braces() -> None:
    masked = parse("Login failed for '***'; use {{braces}} and {reason}")
    assert masked.text == f"Login failed for '{MASK}'; use {{braces}} and {P_ANY}"
    assert masked.names == ("", "reason")
    assert parse("Invalid client secret is provided.").exact


@pytest.mark.parametrize("text", [
    "abcdefab-abcd-abcd-abcd-abcdefabcdef and deadbeefdeadbeef",  # hex letters only
    "started 2025-01-02 03:04:05 ended 12:00:01.5",  # a timestamp with a space
    "copy C:\\agent\\_work\\1 to ~/out/x and ../up/one, and/or /a/b",
    "scheme git+ssh://host/repo.git; ***; v2.0 1,234.5",
    "no variable part at all",
])
def test_masking_from_the_first_trigger_equals_masking_everything(text: str) -> None:
    values: list[str] = []

    def mask(found: re.Match[str]) -> str:
        values.append(found.group())
        return VARIABLE_KINDS[(found.lastindex or 1) - 1]

    line = normalise_clean(text)
    assert (line.text, list(line.values)) == (VARIABLE.sub(mask, text).strip(" "), values)


def test_kinds_of_markers() -> None:
    line = normalise_clean("at 2025-01-02T03:04:05Z from https://x.org/a id "
                           "1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    assert line.text == f"at {TIME} from {URL} id {GUID}"


@pytest.mark.parametrize("message", ["Disk full on device", "Quota {x} exceeded", "42 errors"])
def test_the_python_form_of_an_expression_means_the_same(message: str) -> None:
    template = parse(message).text
    plain = re.compile(regex_source(template)[0])
    fast = re.compile(regex_source(template, literal_first=True)[0])
    for text in ["disk full on device", "xdisk full on device", "a disk full on devices",
                 "quota 7 exceeded", "myquota 7 exceeded", "quota  exceeded",
                 f"{NUMBER} errors", f"x{NUMBER} errors", "_disk full on device"]:
        assert bool(plain.search(text)) == bool(fast.search(text)), text


def test_windows_come_by_size_then_position_and_stop_at_blank_lines() -> None:
    lines = [Line(t, (), (), False) for t in ["a", "b", "", "c", "d", "e"]]
    assert list(windows(lines, 3)) == [(0, 1), (1, 1), (3, 1), (4, 1), (5, 1),
                                       (0, 2), (3, 2), (4, 2), (3, 3)]


def test_masking_equals_the_plain_substitution_on_random_text() -> None:
    import random

    rng = random.Random(5)
    alphabet = "0123456789abcdefxyzABFT-:./\\~*_' :/"
    pieces = ["https://", "C:\\", "2025-01-02 ", "12:30:45", "***", "../", "~/",
              "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "deadbeefcafe0123", "v2.0"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) if rng.random() < 0.15 else rng.choice(alphabet)
                       for _ in range(rng.randint(1, 40)))
        values: list[str] = []
        expected = VARIABLE.sub(lambda found, out=values: (
            out.append(found.group()) or VARIABLE_KINDS[(found.lastindex or 1) - 1]), text)
        assert mask_variables(text) == (expected, values), text
