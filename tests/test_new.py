"""`kb new`: a valid, formatted scaffold; prompts in a terminal only; never overwrites."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.helpers_cli import fixture_repo, kb

EXPECTED = """\
# yaml-language-server: $schema=../_schema/entry.schema.json
id: port-in-use
title: The port is already in use
applies_to: ">= demo-2"
messages:
  - "Error: listen EADDRINUSE: address already in use"
# Replace every 'TODO:' text; the field reference is in CONTRIBUTING.md.
# codes: [AADSTS7000215]   (the error codes in the messages, if any)
summary: "TODO: when and why users see this error, in a sentence or two."
# Causes, most likely first; each has fixes, best first, and each fix has steps.
# Steps and texts are Markdown; add applies_to to any part that differs by version.
# With several causes, each needs a 'check' question that only it answers 'yes'.
causes:
  - id: port-in-use-cause
    title: "TODO: the cause, as a statement"
    check: "TODO: a yes/no question that tells this cause apart"
    fixes:
      - title: "TODO: what the fix does"
        steps:
          - "TODO: the first step"
# Samples: each message as a real log shows it; kb check proves that a lookup of each
# finds this entry first (kb check --strict requires one per message).
samples:
  - >-
    TODO: the message as a real log shows it, e.g. 'Error: listen EADDRINUSE: address
    already in use', with its ids, times and names
"""


def new_entry(repo: Path) -> None:
    run = kb("new", "demo/port-in-use", "--title", "The port is already in use",
             "--message", "Error: listen EADDRINUSE: address already in use",
             "--range", ">= demo-2", cwd=repo)
    assert (run.code, run.stdout, run.stderr) == (
        0,
        "created catalogue/demo/port-in-use.yml\n"
        "next: replace each 'TODO:' text in catalogue/demo/port-in-use.yml, then run: "
        "kb fmt && kb check --strict\n",
        "",
    )


def test_scaffold_with_options_is_valid_and_formatted(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    new_entry(repo)
    assert (repo / "catalogue" / "demo" / "port-in-use.yml").read_text() == EXPECTED
    check = kb("check", cwd=repo)
    assert check.code == 0, check.stderr
    assert kb("fmt", "--check", "catalogue/demo/port-in-use.yml", cwd=repo).code == 0


def test_strict_check_fails_while_placeholders_are_left(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    new_entry(repo)
    run = kb("check", "--strict", cwd=repo)
    assert run.code == 1
    lines = run.stderr.splitlines()
    assert lines[:2] == [
        "catalogue/demo/port-in-use.yml:6:5: warning: entry 'port-in-use': expected a sample "
        "that this message matches, found none in 'samples'; add to 'samples' the message as "
        "it appears in a real log, with its variable parts filled in: kb check then proves "
        "that a lookup finds this entry",
        "catalogue/demo/port-in-use.yml:9:11: warning: entry 'port-in-use': placeholder text "
        "from kb new is still here; replace the 'TODO:' text with the real content"]
    assert lines[-1] == "kb check: 0 errors, 7 warnings"
    path = repo / "catalogue" / "demo" / "port-in-use.yml"
    text = path.read_text().replace("TODO: ", "Filled in: ")
    path.write_text(text.replace(text[text.index("samples:"):], "samples:\n  - >-\n    "
                                 "node server.js: Error: listen EADDRINUSE: address already "
                                 "in use :::8080\n"))
    assert kb("check", "--strict", cwd=repo).code == 0


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    path = repo / "catalogue" / "demo" / "disk-full.yml"
    before = path.read_bytes()
    run = kb("new", "demo/disk-full", "--title", "Another", cwd=repo)
    assert (run.code, run.stdout, run.stderr) == (
        2, "", "kb new: error: catalogue/demo/disk-full.yml already exists; edit it, or "
               "choose another id\n")
    assert path.read_bytes() == before


def test_refuses_an_id_that_is_an_anchor_on_the_page(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("new", "demo/logs", "--title", "Logs", cwd=repo)
    assert (run.code, run.stderr) == (
        2, "kb new: error: 'logs' is already an anchor on page 'demo' (in "
           "catalogue/demo/disk-full.yml); choose another id\n")
    assert not (repo / "catalogue" / "demo" / "logs.yml").exists()


def test_unknown_topic_suggests_and_new_topic_creates(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("new", "dmeo/x", "--title", "X", cwd=repo)
    assert (run.code, run.stderr) == (
        2, "kb new: error: topic 'dmeo' does not exist (did you mean 'demo'?); pass "
           "--new-topic to create catalogue/dmeo/_topic.yml\n")
    assert not (repo / "catalogue" / "dmeo").exists()
    made = kb("new", "network/timeout", "--title", "The request timed out", "--new-topic",
              "--topic-title", "Troubleshoot the network", cwd=repo)
    assert made.code == 0, made.stderr
    assert made.stdout.splitlines()[:2] == ["created catalogue/network/_topic.yml",
                                            "created catalogue/network/timeout.yml"]
    assert (repo / "catalogue" / "network" / "_topic.yml").read_text() == (
        "# yaml-language-server: $schema=../_schema/topic.schema.json\n"
        "id: network\ntitle: Troubleshoot the network\n"
        "intro: \"TODO: what this page helps with, in a sentence or two.\"\n")
    assert kb("check", cwd=repo).code == 0


def test_bad_range_and_bad_target_are_usage_errors(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    bad_range = kb("new", "demo/x", "--title", "X", "--range", ">= demo2", cwd=repo)
    assert (bad_range.code, bad_range.stderr) == (
        2, "kb new: error: unknown moniker 'demo2' in range '>= demo2'; did you mean "
           "'demo-2'?\n")
    bad_target = kb("new", "demo", "--title", "X", cwd=repo)
    assert (bad_target.code, bad_target.stderr) == (
        2, "kb new: error: expected TOPIC/ID, e.g. 'azure-rm-endpoint/port-in-use', found "
           "'demo'\n")
    assert sorted(p.name for p in (repo / "catalogue" / "demo").iterdir()) == [
        "_topic.yml", "disk-full.yml"]


def test_without_a_terminal_the_title_is_required(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("new", "demo/x", cwd=repo, stdin="")
    assert (run.code, run.stderr) == (
        2, "kb new: error: --title is required (kb new asks for it only in a terminal)\n")


def _read_until(fd: int, marker: str, seen: list[str], times: int = 1,
                timeout: float = 30) -> None:
    """Read the terminal until `marker` has appeared `times` times in all output."""
    deadline = time.monotonic() + timeout
    while "".join(seen).count(marker) < times:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in {''.join(seen)!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            assert chunk, f"output ended before {marker!r}: {''.join(seen)!r}"
            seen.append(chunk.decode("utf-8", "replace"))


def test_prompts_in_a_terminal(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "new", "demo/port-in-use"],
                            cwd=repo, stdin=secondary, stdout=secondary, stderr=secondary,
                            env=env, close_fds=True)
    os.close(secondary)
    seen: list[str] = []
    try:
        _read_until(main, "Title (the heading of the entry, usually the message): ", seen)
        os.write(main, b"The port is already in use\n")
        _read_until(main, "Message users see, verbatim (Enter for none): ", seen)
        os.write(main, b"Error: listen EADDRINUSE: address already in use\n")
        _read_until(main, "Versions it applies to (e.g. >= demo-2) (Enter for all of the "
                          "page's): ", seen)
        os.write(main, b">= demo2\n")  # a typo: asked again
        _read_until(main, "did you mean 'demo-2'?", seen)
        _read_until(main, "Versions it applies to", seen, times=2)
        os.write(main, b">= demo-2\n")
        _read_until(main, "then run: kb fmt && kb check --strict", seen)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    transcript = "".join(seen).replace("\r\n", "\n")
    assert "  unknown moniker 'demo2' in range '>= demo2'; did you mean 'demo-2'?\n" \
        in transcript
    assert (repo / "catalogue" / "demo" / "port-in-use.yml").read_text() == EXPECTED


def test_ids_that_would_leave_the_catalogue_are_refused(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    for target in ("../x", "demo/../../x", "/tmp/x", "a/../../b", "demo\\..\\x", "~/x"):
        run = kb("new", target, "--title", "X", "--new-topic", cwd=repo)
        assert (run.code, run.stdout, run.stderr) == (
            2, "", f"kb new: error: expected TOPIC/ID, a topic folder of catalogue/ and the "
                   f"new entry's id (e.g. 'azure-rm-endpoint/port-in-use'), found the path "
                   f"'{target}', which would leave the catalogue\n"), target
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_an_id_too_long_for_a_file_name_is_a_usage_error(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    long_id = "a" * 300
    run = kb("new", f"demo/{long_id}", "--title", "X", cwd=repo)
    assert (run.code, run.stdout, run.stderr) == (
        2, "", "kb new: error: expected an id of at most 100 characters, found 300 "
               f"('{'a' * 24}…'); it becomes a file name and an anchor in URLs: choose a "
               "shorter one\n")
    topic = kb("new", f"{long_id}/x", "--title", "X", "--new-topic", cwd=repo)
    assert topic.code == 2 and "expected a topic id of at most 100 characters" in topic.stderr
    assert sorted(p.name for p in (repo / "catalogue").iterdir()) == ["demo", "products.yml"]


def test_a_title_of_several_lines_is_a_usage_error(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    for option in ("--title", "--topic-title"):
        args = ["--title", "T"] if option == "--topic-title" else []
        run = kb("new", "other/x", *args, option, "T\nx", "--new-topic", cwd=repo)
        assert (run.code, run.stdout, run.stderr) == (
            2, "", "kb new: error: expected a title of one line, found several; a title is "
                   "the entry's heading: put the rest in the summary\n"), option
    assert not (repo / "catalogue" / "other").exists()


def test_a_message_with_braces_explains_how_to_write_them(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("new", "demo/bad-response", "--title", "Bad response",
             "--message", 'Response: {"error":"bad"}', cwd=repo)
    assert (run.code, run.stdout, run.stderr) == (
        2, "", "kb new: error: --message 'Response: {\"error\":\"bad\"}': placeholder "
               "'{\"error\":\"bad\"}' needs a name at character 11: in a message, {name} is a "
               "placeholder for a part that varies, so a brace that is part of the message is "
               "written twice: --message 'Response: {{\"error\":\"bad\"}}'\n")
    assert not (repo / "catalogue" / "demo" / "bad-response.yml").exists()
    fixed = kb("new", "demo/bad-response", "--title", "Bad response",
               "--message", 'Response: {{"error":"bad"}}', cwd=repo)
    assert fixed.code == 0, fixed.stderr
    assert kb("check", cwd=repo).code == 0


def test_a_title_with_braces_explains_how_to_write_them(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("new", "demo/bad-title", "--title", "Response {bad", cwd=repo)
    assert (run.code, run.stdout, run.stderr) == (
        2, "", "kb new: error: --title 'Response {bad': unmatched '{' in title at character "
               "10: in a title, {name} is a placeholder for a part that varies, so a brace "
               "that is part of the title is written twice: --title 'Response {{bad'\n")
    assert kb("new", "demo/bad-title", "--title", "Response {{bad", cwd=repo).code == 0
    assert kb("check", cwd=repo).code == 0


def test_a_range_is_written_as_products_yml_spells_the_monikers(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    run = kb("new", "demo/x", "--title", "X", "--range", ">= DEMO-2", cwd=repo)
    assert run.code == 0, run.stderr
    assert 'applies_to: ">= demo-2"\n' in (repo / "catalogue" / "demo" / "x.yml").read_text()
    assert "moniker" not in kb("check", cwd=repo).stderr
