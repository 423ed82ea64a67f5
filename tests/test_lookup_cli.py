"""`kb lookup` as a user runs it: text, file or standard input; exit status 0, 1 or 2.

Whole results are pinned on the snapshot of the shipped knowledge base.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from generator.catalogue.validate import load_catalogue
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from tests.helpers_cli import disk_full_applies_to, fixture_repo, kb
from tests.test_lookup_browser import LOG

SITE = "https://kb.example.org/"


def monikers_of(repo: Path) -> list[str]:
    """The versions of `repo`'s catalogue, in order (oldest first in each product)."""
    catalogue = load_catalogue(Project(repo), Diagnostics(), markdown=False)
    assert catalogue is not None
    return list(catalogue.products.names)


def test_a_message_as_arguments(snapshot_repo: Path) -> None:
    run = kb("lookup", "AADSTS7000215:", "Invalid", "client", "secret", "is", "provided.",
             cwd=snapshot_repo)
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == (
        "1. Service principal or secret expired  [exact, score 100]\n"
        f"   {SITE}azure-devops/azure-rm-endpoint/#autoCreatedSecretExpiration\n"
        "   cause: The secret of the automatically created service principal has expired "
        "(#secretexpired)\n"
        "   line 1: AADSTS7000215: Invalid client secret is provided.\n"
    )


def test_a_log_file(tmp_path: Path, snapshot_repo: Path) -> None:
    log = tmp_path / "build.log"
    log.write_text(LOG, encoding="utf-8")
    run = kb("lookup", "-f", str(log), cwd=snapshot_repo)
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "1. Service principal or secret expired  [exact, score 100]"
    assert lines[3].startswith("   line 5: 2025-03-12T09:41:07.2231846Z ERROR: AADSTS7000215:")
    assert "\x1b" not in run.stdout


@pytest.mark.parametrize("args", [["-"], ["-f", "-"]])
def test_standard_input_as_json(args: list[str], snapshot_repo: Path) -> None:
    run = kb("lookup", *args, "--json", stdin=LOG, cwd=snapshot_repo)
    assert run.code == 0
    data = json.loads(run.stdout)
    assert data["version"] == "azure-devops" and data["lines"] == 11
    [first] = data["results"]
    assert first == {
        "entry": "autoCreatedSecretExpiration",
        "title": "Service principal or secret expired",
        "topic": "azure-rm-endpoint",
        "kind": "exact",
        "score": 100,
        "line": 5,
        "end_line": 5,
        "text": first["text"],
        "values": {},
        "cause": {"id": "secretexpired",
                  "title": "The secret of the automatically created service principal has "
                           "expired"},
        "url": "azure-rm-endpoint/#autoCreatedSecretExpiration",
        "href": f"{SITE}azure-devops/azure-rm-endpoint/#autoCreatedSecretExpiration",
    }
    assert first["text"].startswith("2025-03-12T09:41:07.2231846Z ERROR: AADSTS7000215")


def test_values_of_placeholders_and_limit(snapshot_repo: Path) -> None:
    text = ("AADSTS70021: No matching federated identity record found for presented assertion. "
            "Assertion Issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-"
            "2d7cd011db47/v2.0'. Assertion Subject: 'sc://contoso/webshop/prod-arm'.")
    run = kb("lookup", "--json", "--limit", "1", text, cwd=snapshot_repo)
    [result] = json.loads(run.stdout)["results"]
    assert result["entry"] == "nomatchingrecord"
    assert result["cause"]["id"] == "subjectwrong"
    assert result["values"] == {
        "issuer": "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        "subject": "sc://contoso/webshop/prod-arm"}
    text_run = kb("lookup", text, cwd=snapshot_repo)
    assert "   subject = sc://contoso/webshop/prod-arm" in text_run.stdout.splitlines()


def test_codes_alone(snapshot_repo: Path) -> None:
    for code in ("AADSTS700213", "700213"):
        run = kb("lookup", "--json", code, cwd=snapshot_repo)
        assert [r["entry"] for r in json.loads(run.stdout)["results"]] == ["nomatchingsubject"]


def test_only_what_applies_to_the_version(snapshot_repo: Path) -> None:
    text = "AADSTS70025: Client application has no configured federated identity credentials"
    assert kb("lookup", "--version", "latest", text, cwd=snapshot_repo).code == 0
    run = kb("lookup", "--version", "tfs-2018", text, cwd=snapshot_repo)
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "No entry matches this text for TFS 2018 (tfs-2018)."
    assert lines[1] == "Found in other versions:"
    assert lines[-1].startswith("Propose a new entry: https://github.com/example/kb/issues/new?"
                                "title=New%20error%3A%20AADSTS70025%3A%20Client%20application")
    assert "&body=Version%3A%20TFS%202018%20(tfs-2018)" in lines[-1]


def test_nothing_found_names_the_versions_that_have_a_match(
        snapshot_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the version has no entry for the text, the other versions in which it finds
    one are named, oldest first, each with the entry `--version` finds first there (the
    same when they are looked in by several processes)."""
    text = "AADSTS70025: Client application has no configured federated identity credentials"
    run = kb("lookup", "--json", "--version", "tfs-2018", text, cwd=snapshot_repo)
    assert run.code == 1
    with monkeypatch.context() as env:
        env.setenv("KB_JOBS", "3")
        assert kb("lookup", "--json", "--version", "tfs-2018", text,
                  cwd=snapshot_repo) == run
    data = json.loads(run.stdout)
    assert data["results"] == [] and data["elsewhere"]
    expected = []
    for moniker in monikers_of(snapshot_repo):
        there = kb("lookup", "--json", "--limit", "1", "--version", moniker, text,
                   cwd=snapshot_repo)
        if moniker != "tfs-2018" and there.code == 0:
            [first] = json.loads(there.stdout)["results"]
            expected.append((moniker, first["entry"], first["href"]))
    assert [(o["version"], o["result"]["entry"], o["result"]["href"])
            for o in data["elsewhere"]] == expected
    assert all(o["result"]["href"] == f"{SITE}{o['version']}/{o['result']['url']}"
               for o in data["elsewhere"])
    text_run = kb("lookup", "--version", "tfs-2018", text, cwd=snapshot_repo)
    named = [line.split(" (", 1)[1].split("):", 1)[0] for line in text_run.stdout.splitlines()
             if line.startswith("  ") and not line.startswith("    ")]
    assert named == [moniker for moniker, _, _ in expected]
    assert text_run.stdout.count(SITE) == len(expected)


def test_a_match_in_the_version_names_no_other(snapshot_repo: Path) -> None:
    run = kb("lookup", "--json", "AADSTS7000215: Invalid client secret is provided.",
             cwd=snapshot_repo)
    assert run.code == 0 and json.loads(run.stdout)["elsewhere"] == []


def test_nothing_found_as_json(snapshot_repo: Path) -> None:
    run = kb("lookup", "--json", "npm ERR! code ENOENT", cwd=snapshot_repo)
    assert run.code == 1
    data = json.loads(run.stdout)
    assert data["results"] == [] and data["propose_url"].startswith("https://github.com/")
    assert data["elsewhere"] == []
    lines = kb("lookup", "npm ERR! code ENOENT", cwd=snapshot_repo).stdout.splitlines()
    assert lines[1] == "No other version has a match either."


def test_without_a_site_address_other_versions_are_named_from_the_sites_root(
        tmp_path: Path) -> None:
    """Without site_url, an entry found in another version is given by its address from
    the site's root, which names the version."""
    repo = fixture_repo(tmp_path)
    settings = repo / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    assert "site_url: https://demo.example.org/\n" in text
    settings.write_text(text.replace("site_url: https://demo.example.org/\n", ""),
                        encoding="utf-8")
    disk_full_applies_to(repo, ">= demo-2")
    run = kb("lookup", "--json", "--version", "demo-1", "No space left on device", cwd=repo)
    assert run.code == 1, run.stderr
    assert [(o["version"], o["result"]["entry"], o["result"]["href"])
            for o in json.loads(run.stdout)["elsewhere"]] == [
        ("demo-2", "disk-full", "demo-2/demo/#disk-full"),
        ("demo-3", "disk-full", "demo-3/demo/#disk-full")]


FLOOD = ["amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris",
         "jade", "kelp", "larch", "maple", "nectar", "olive", "pine", "quartz", "reed", "sage",
         "thyme", "umber", "vale", "willow", "yarrow", "zinnia", "aspen", "basil", "clover",
         "dune", "elm"]


def test_a_near_miss_is_found_alike_in_every_version_that_has_its_message(
        tmp_path: Path) -> None:
    """Which words the fuzzy step finds candidates by is decided over the whole catalogue,
    not per version: the newest version, where 30 more messages share the words of one, finds
    the same near misses of it as the oldest. Otherwise a reader of the newest version whose
    paste has a typo finds nothing, and is sent to the oldest for an entry their version has."""
    repo = fixture_repo(tmp_path)
    topic = repo / "catalogue" / "demo"

    def entry(name: str, message: str, applies_to: str = "") -> None:
        scope = f'applies_to: "{applies_to}"\n' if applies_to else ""
        (topic / f"{name}.yml").write_text(
            f"id: {name}\ntitle: Mirror {name}\n{scope}messages:\n  - \"{message}\"\n"
            f"causes:\n  - id: {name}-cause\n    title: A cause\n    fixes:\n"
            "      - title: A fix\n        steps:\n          - Do it.\n", encoding="utf-8")

    entry("mirror", "Mirror sync stopped: upstream rejected the token")
    for word in FLOOD:
        entry(f"flood-{word}", f"Mirror sync stopped: upstream {word} limit reached", "demo-3")
    assert kb("check", cwd=repo).code == 0
    for text in ("Mirror sync stoped: upstream rejected the token",
                 "Mirror sync stopped: upstream rejectd teh tokn"):
        found = {}
        for moniker in ("demo-1", "demo-3"):
            run = kb("lookup", "--json", "--version", moniker, text, cwd=repo)
            data = json.loads(run.stdout)
            found[moniker] = ([r["entry"] for r in data["results"]][:1],
                              [o["result"]["entry"] for o in data["elsewhere"]])
        assert found["demo-1"][0] == found["demo-3"][0], (text, found)
        assert "mirror" not in found["demo-3"][1], (text, found)
    assert found["demo-1"][0] == [], "a paste with a typo in each rare word is too far off"
    near = kb("lookup", "--json", "--version", "demo-3",
              "Mirror sync stoped: upstream rejected the token", cwd=repo)
    assert [r["entry"] for r in json.loads(near.stdout)["results"]][:1] == ["mirror"]


def test_a_single_version_names_no_others(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    products = repo / "catalogue" / "products.yml"
    products.write_text(products.read_text(encoding="utf-8").replace(
        "      - id: demo-1\n        title: Demo 1\n      - id: demo-2\n        title: Demo 2\n",
        ""), encoding="utf-8")
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        '            applies_to: ">= demo-2"\n', ""), encoding="utf-8")
    run = kb("lookup", "npm ERR! code ENOENT", cwd=repo)
    assert (run.code, run.stderr) == (1, "")
    assert run.stdout.splitlines()[0] == "No entry matches this text for Demo 3 (demo-3)."
    assert "other version" not in run.stdout
    triage = kb("triage", "--message", "segfault", cwd=repo)
    assert (triage.code, triage.stderr) == (2, "kb triage: error: no message of Demo 3 "
                                               "matches 'segfault'; run kb triage without "
                                               "--message to see them all\n")


@pytest.mark.parametrize(("args", "stdin", "message"), [
    ([], None, "nothing to look up: pass a message, -f FILE, or - for standard input"),
    (["-"], "  \n", "nothing to look up: pass a message, -f FILE, or - for standard input"),
    (["text", "-f", "x.log"], None, "give the text as arguments or with -f, not both"),
    (["-f", "missing.log"], None, "cannot read missing.log: No such file or directory"),
    (["--limit", "0", "x"], None, "--limit must be 1 or more, found 0"),
    (["--version", "tfs2018", "x"], None, "unknown version 'tfs2018'; did you mean 'tfs-2018'?"),
    (["--version", "tfs-2016", "x"], None, "unknown version 'tfs-2016'; the versions are, "
                                           "oldest first: tfs-2013, tfs-2015, tfs-2017, "
                                           "tfs-2018, azure-devops-2019, azure-devops-2020, "
                                           "azure-devops-2022, azure-devops"),
])
def test_usage_errors_exit_2(args: list[str], stdin: str | None, message: str,
                            snapshot_repo: Path) -> None:
    run = kb("lookup", *args, stdin=stdin, cwd=snapshot_repo)
    assert (run.code, run.stdout, run.stderr) == (2, "", f"kb lookup: error: {message}\n")


def test_a_bad_option_value_exits_2(snapshot_repo: Path) -> None:
    run = kb("lookup", "--limit", "many", "x", cwd=snapshot_repo)
    assert run.code == 2 and "invalid int value: 'many'" in run.stderr


def test_a_log_over_1_mb_keeps_its_end(tmp_path: Path, snapshot_repo: Path) -> None:
    filler = "".join(f"2025-03-12T09:00:00.0000000Z step {n}: restoring packages\n"
                     for n in range(30000))
    log = tmp_path / "big.log"
    log.write_bytes(filler.encode() + b"\xff\xfe not UTF-8\n" +
                    b"##[error]Insufficient privileges to complete the operation.\n")
    run = kb("lookup", "--json", "-f", str(log), cwd=snapshot_repo)
    assert run.code == 0
    data = json.loads(run.stdout)
    assert data["truncated"] is True
    first = data["results"][0]
    assert (first["entry"], first["kind"], first["line"]) == ("privileges", "exact", 30002)


@pytest.mark.parametrize("endian", ["le", "be"])
def test_a_utf16_log_is_read_by_its_byte_order_mark(tmp_path: Path, snapshot_repo: Path,
                                                    endian: str) -> None:
    """What Windows PowerShell 5 writes with '>': UTF-16 with its byte-order mark, here
    long enough that only its end is read (the lines before it still counted)."""
    filler = "".join(f"step {n}: restoring packages\r\n" for n in range(30000))
    mark = codecs.BOM_UTF16_LE if endian == "le" else codecs.BOM_UTF16_BE
    log = tmp_path / "ps.log"
    log.write_bytes(mark + (filler + LOG.replace("\n", "\r\n")).encode(f"utf-16-{endian}"))
    run = kb("lookup", "--json", "-f", str(log), cwd=snapshot_repo)
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    first = data["results"][0]
    assert (first["entry"], first["line"], data["truncated"]) == (
        "autoCreatedSecretExpiration", 30005, True)


def test_nothing_found_in_a_long_log_says_only_its_end_was_read(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    log.write_text("write /var/log/demo/app.log: No space left on device\n" + "".join(
        f"step {n}: restoring packages\n" for n in range(25000)))
    run = kb("lookup", "-f", str(log), cwd=fixture_repo(tmp_path))
    assert run.code == 1
    assert run.stdout.splitlines()[1] == (
        "(only the end of the text was searched: its last 1 MB and 20,000 lines; an error "
        "before that was not looked at: pass the lines around it)")


def test_a_catalogue_with_errors_still_answers(tmp_path: Path) -> None:
    """Two entries that overlap are an error for kb check; kb lookup shows both, to help."""
    repo = fixture_repo(tmp_path)
    first = repo / "catalogue" / "demo" / "disk-full.yml"
    copy = first.read_text().replace("id: disk-full", "id: disk-full-again").replace(
        "id: logs", "id: logs-again")
    (repo / "catalogue" / "demo" / "disk-full-again.yml").write_text(copy)
    (repo / "catalogue" / "demo" / "broken.yml").write_text("id: broken\ntitel: Broken\n")
    assert kb("check", cwd=repo).code == 1
    run = kb("lookup", "No space left on device", cwd=repo)
    assert run.code == 0
    assert [line for line in run.stdout.splitlines() if line[:1].isdigit()] == [
        "1. The disk is full  [exact, score 100]", "2. The disk is full  [exact, score 100]"]
    assert "#disk-full-again" in run.stdout and "#disk-full\n" in run.stdout
    assert run.stderr == ("kb lookup: note: the catalogue has 2 errors (kb check lists them); "
                          "this lookup uses the entries that validated\n")
    broken = repo / "catalogue" / "products.yml"
    broken.write_text("products: []\n")
    failed = kb("lookup", "No space left on device", cwd=repo)
    assert failed.code == 1 and "Traceback" not in failed.stderr


def test_topics_kept_between_lookups_are_read_again_once_edited(tmp_path: Path) -> None:
    """A lookup keeps each topic folder as validated under build/, and the next takes it
    from there while the folder is unchanged: an edited message and a new (invalid) file
    are read again, and what the lookup finds and reports follows them."""
    repo = fixture_repo(tmp_path)
    kept = repo / "build" / "cache" / "lookup-topics"
    first = kb("lookup", "No space left on device", cwd=repo)
    assert first.code == 0 and "1. The disk is full  [exact, score 100]" in first.stdout
    slots = sorted(kept.iterdir())
    assert slots and all(slot.suffix == ".pickle" for slot in slots)
    again = kb("lookup", "No space left on device", cwd=repo)
    assert (again.code, again.stdout, again.stderr) == (first.code, first.stdout, first.stderr)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace('"No space left on device"',
                                               '"Disk quota exceeded"'))
    assert kb("lookup", "No space left on device", cwd=repo).code == 1
    edited = kb("lookup", "Disk quota exceeded", cwd=repo)
    assert edited.code == 0 and "1. The disk is full  [exact, score 100]" in edited.stdout
    (repo / "catalogue" / "demo" / "broken.yml").write_text("id: broken\ntitel: Broken\n")
    for _ in range(2):
        broken = kb("lookup", "Disk quota exceeded", cwd=repo)
        assert broken.code == 0
        assert broken.stderr == ("kb lookup: note: the catalogue has 2 errors (kb check lists "
                                 "them); this lookup uses the entries that validated\n")
