"""`kb import docfx`: a DocFX article becomes a topic that passes `kb check`.

The project's own article (tests/fixtures/import/article) is the input CI relies on;
the seed article and the reference articles beside the repository are imported too
when they are present.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.authoring.importer import range_text, slug
from tests.conftest import FIXTURES, ROOT, SHARED
from tests.golden import assert_golden
from tests.helpers import shipped_like_products
from tests.helpers_cli import fixture_repo, kb

ARTICLE = FIXTURES / "import" / "article"
EXPECTED = FIXTURES / "import" / "expected"
SEED = (SHARED / "seed" / "000_3ec957c9509555dc.txt").resolve()  # ../shared may be a link
REFERENCES = sorted(p for p in (SHARED / "reference").glob("*.md") if p.name != "README.md") \
    if (SHARED / "reference").is_dir() else []

STDERR = """\
article/disk-errors.md:4:1: warning: front matter: keys not used by the knowledge base: ms.date
article/disk-errors.md:10:1: warning: include: version banner 'includes/version-demo-all.md' \
was dropped: the site's version selector shows the version
article/disk-errors.md:66:1: warning: link: link '../admin/quotas.md' points into the \
article's old site; only its text was kept; pass --base-url with the article's address to \
keep links
article/disk-errors.md:75:1: warning: image: image 'media/missing.png' was not found beside \
the article; it was dropped; add it under content/media/ and link it by hand
kb import: topic 'disk-errors': 3 sections, 2 entries; 4 things could not be mapped (listed \
above)
next: review catalogue/disk-errors/, then run: kb check
"""


def repo_with_article(tmp_path: Path) -> Path:
    repo = fixture_repo(tmp_path)
    shutil.copytree(ARTICLE, repo / "article")
    return repo


def safe_load(path: Path) -> object:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_the_project_article(tmp_path: Path, update_golden: bool) -> None:
    repo = repo_with_article(tmp_path)
    run = kb("import", "docfx", "article/disk-errors.md", cwd=repo)
    assert (run.code, run.stderr) == (0, STDERR)
    assert run.stdout == (
        "wrote catalogue/disk-errors/_topic.yml\nwrote catalogue/disk-errors/diskfull.yml\n"
        "wrote catalogue/disk-errors/quota.yml\nwrote content/media/disk-errors/settings.png\n")
    for name in ("_topic.yml", "diskfull.yml", "quota.yml"):
        assert_golden((repo / "catalogue" / "disk-errors" / name).read_text(),
                      EXPECTED / name, update_golden)
    assert (repo / "content" / "media" / "disk-errors" / "settings.png").read_bytes() == \
        (ARTICLE / "media" / "settings.png").read_bytes()
    check = kb("check", "--strict", cwd=repo)
    assert (check.code, check.stderr) == (0, "kb check: catalogue is valid\n")
    fmt = kb("fmt", "--check", "catalogue/disk-errors", cwd=repo)
    assert (fmt.code, fmt.stderr) == (0, "kb fmt: 3 files already formatted\n")


def test_what_maps_to_what(tmp_path: Path) -> None:
    repo = repo_with_article(tmp_path)
    assert kb("import", "docfx", "article/disk-errors.md", cwd=repo).code == 0
    folder = repo / "catalogue" / "disk-errors"
    topic = safe_load(folder / "_topic.yml")
    disk = safe_load(folder / "diskfull.yml")
    quota = safe_load(folder / "quota.yml")
    assert isinstance(topic, dict) and isinstance(disk, dict) and isinstance(quota, dict)
    # Front matter: monikerRange and description; the H1 is the title.
    assert (topic["applies_to"], topic["title"]) == (">= demo-1",
                                                     "Troubleshoot demo disk errors")
    # <a name> anchors are ids, heading slugs aliases; a list of the errors is list_errors.
    assert [(s["id"], s["aliases"]) for s in topic["sections"]] == [
        ("before", ["what-happens-when-the-disk-fills-up"]),
        ("errors", ["which-errors-can-occur"])]
    assert topic["sections"][1]["list_errors"] is True
    assert topic["order"] == ["diskfull", "quota"]
    # Causes are the headings under an error; steps, alert notes and timing map to a fix.
    cause = disk["causes"][0]
    assert (cause["id"], cause["aliases"]) == ("oldlogs", ["old-logs-fill-the-disk"])
    assert cause["fixes"][0]["steps"] == ["Open the log folder.",
                                          "Delete the logs older than a week."]
    assert cause["fixes"][0]["notes"] == [
        {"type": "note", "text": "Deleting logs cannot be undone.", "position": "after"}]
    assert cause["fixes"][0]["takes_effect"] == (
        "It takes up to 5 minutes before the service writes again.")
    # Error strings in code spans are messages; a zone around a heading is its range.
    assert disk["messages"] == ["Write failed: the device has no free blocks"]
    assert quota["messages"] == ["Error: disk quota exceeded for account {name}"]
    assert quota["applies_to"] == ">= demo-2"
    # Includes found beside the article are inlined.
    assert "ask on the [demo forum]" in topic["closing_sections"][0]["body"]


def test_an_error_under_its_own_heading_takes_messages_as_symptoms_do(tmp_path: Path) -> None:
    """An article that gives each error a heading (the causes under it) reads its messages
    as one with a Symptoms section does: quotes and code blocks too, not only code spans;
    a log's debugging lines are no messages."""
    repo = repo_with_article(tmp_path)
    (repo / "article" / "widget-errors.md").write_text(
        "# Widget errors\n\n## Which errors can occur?\n\n* [The widget stops](#stops)\n\n"
        "<a name=\"stops\"></a>\n### The widget stops\n\nThe `widget` service log shows:\n\n"
        "> The widget service failed to start because port 8080 is in use.\n\n```output\n"
        "[debug]Widget start failed with exit code 1\n##[error]Widget deployment failed on "
        "agent {agent}.\n```\n\n#### Another program holds the port\n\nA second service "
        "listens on it.\n\n1. Stop the other service.\n")
    run = kb("import", "docfx", "article/widget-errors.md", cwd=repo)
    assert run.code == 0, run.stderr
    stops = safe_load(repo / "catalogue" / "widget-errors" / "stops.yml")
    assert isinstance(stops, dict)
    assert stops["messages"] == [
        "The widget service failed to start because port 8080 is in use.",
        "##[error]Widget deployment failed on agent {agent}."]


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    repo = repo_with_article(tmp_path)
    assert kb("import", "docfx", "article/disk-errors.md", cwd=repo).code == 0
    entry = repo / "catalogue" / "disk-errors" / "quota.yml"
    entry.write_text(entry.read_text().replace("Retry the operation.", "Retry once."))
    edited = entry.read_text()
    again = kb("import", "docfx", "article/disk-errors.md", cwd=repo)
    assert again.code == 1
    assert again.stdout == ""
    assert again.stderr.splitlines()[-5:] == [
        "catalogue/disk-errors/_topic.yml: error: topic 'disk-errors': file already exists; "
        "pass --force to overwrite it, or --topic to import elsewhere",
        "catalogue/disk-errors/diskfull.yml: error: topic 'disk-errors': file already "
        "exists; pass --force to overwrite it, or --topic to import elsewhere",
        "catalogue/disk-errors/quota.yml: error: topic 'disk-errors': file already exists; "
        "pass --force to overwrite it, or --topic to import elsewhere",
        "content/media/disk-errors/settings.png: error: topic 'disk-errors': file already "
        "exists; pass --force to overwrite it, or --topic to import elsewhere",
        "kb import: nothing was written",
    ]
    assert entry.read_text() == edited
    forced = kb("import", "docfx", "article/disk-errors.md", "--force", cwd=repo)
    assert forced.code == 0
    assert "Retry the operation." in entry.read_text()


def test_an_entry_id_used_by_another_topic_is_refused(tmp_path: Path) -> None:
    repo = repo_with_article(tmp_path)
    article = repo / "article" / "disk-errors.md"
    article.write_text(article.read_text().replace('<a name="diskfull">',
                                                   '<a name="disk-full">'))
    run = kb("import", "docfx", "article/disk-errors.md", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines()[-2:] == [
        "catalogue/disk-errors: error: topic 'disk-errors': entry id 'disk-full' is already "
        "used by catalogue/demo/disk-full.yml; rename the heading's anchor in the article, or "
        "import into that topic",
        "kb import: nothing was written",
    ]
    assert not (repo / "catalogue" / "disk-errors").exists()


def test_base_url_keeps_links_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    repo = repo_with_article(tmp_path)
    run = kb("import", "docfx", "article/disk-errors.md", "--topic", "disks", "--dry-run",
             "--base-url", "https://docs.example.org/demo/troubleshoot/disk-errors", cwd=repo)
    assert run.code == 0
    assert run.stdout.splitlines() == [
        "would write catalogue/disks/_topic.yml", "would write catalogue/disks/diskfull.yml",
        "would write catalogue/disks/quota.yml", "would write content/media/disks/settings.png"]
    assert "../admin/quotas.md" not in run.stderr
    assert not (repo / "catalogue" / "disks").exists()
    real = kb("import", "docfx", "article/disk-errors.md", "--topic", "disks",
              "--base-url", "https://docs.example.org/demo/troubleshoot/disk-errors", cwd=repo)
    assert real.code == 0
    quota = safe_load(repo / "catalogue" / "disks" / "quota.yml")
    assert isinstance(quota, dict)
    assert quota["causes"][0]["fixes"][0]["steps"][0] == (
        "Ask the administrator to raise the quota, see "
        "[quotas](https://docs.example.org/demo/admin/quotas).")


def test_bad_input_is_a_diagnostic_not_a_traceback(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    (repo / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Title\n")
    run = kb("import", "docfx", "broken.md", cwd=repo)
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0].startswith(
        "broken.md:2:1: error: front matter: invalid YAML: ")
    missing = kb("import", "docfx", "nowhere.md", cwd=repo)
    assert (missing.code, missing.stderr) == (
        2, "kb import: error: no such file or folder: nowhere.md\n")


def test_slugs_and_ranges() -> None:
    assert slug("Failed to obtain an access token or A valid refresh token was not found") \
        == "failed-to-obtain-an-access-token-or-a-valid-refresh-token-was-not-found"
    assert slug("You don't appear to have an **active** `Azure` subscription?") == \
        "you-dont-appear-to-have-an-active-azure-subscription"
    products = shipped_like_products()
    assert range_text(frozenset({"tfs-2017", "tfs-2018"}), products) == \
        ">= tfs-2017 <= tfs-2018"
    assert range_text(frozenset({"tfs-2013", "azure-devops"}), products) == \
        "tfs-2013 || azure-devops"
    assert range_text(frozenset(products.names), products) == ""


# ---------------------------------------------------------------------------
# Real articles beside the repository (skipped where they are not).
# ---------------------------------------------------------------------------


def shipped_repo_without_topic(tmp_path: Path) -> Path:
    """A knowledge base with the shipped products and no topic, to import an article into."""
    repo = fixture_repo(tmp_path)
    shutil.rmtree(repo / "catalogue" / "demo")
    shutil.copy(ROOT / "catalogue" / "products.yml", repo / "catalogue" / "products.yml")
    (repo / "content" / "index.md").write_text("# Home\n\nThe imported knowledge base.\n")
    return repo


def anchors(topic_dir: Path) -> tuple[set[str], set[str]]:
    ids: set[str] = set()
    aliases: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                ids.add(node["id"])
            aliases.update(a for a in node.get("aliases") or [] if isinstance(a, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in topic_dir.glob("*.yml"):
        walk(safe_load(path))
    return ids, aliases


@pytest.mark.skipif(not SEED.is_file(), reason="the seed article is not beside the repository")
def test_the_seed_article(tmp_path: Path) -> None:
    repo = shipped_repo_without_topic(tmp_path)
    run = kb("import", "docfx", str(SEED), "--topic", "azure-rm-endpoint",
             "--base-url", "https://learn.microsoft.com/azure/devops/pipelines/release/"
                           "azure-rm-endpoint", cwd=repo)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    ids, aliases = anchors(repo / "catalogue" / "azure-rm-endpoint")
    assert {"whathappens", "troubleshoot", "privileges", "guestonly", "notauthtoadd",
            "sessionexpired", "contributorrole"} <= ids
    assert {"what-happens-when-you-create-a-resource-manager-service-connection",
            "how-to-troubleshoot-errors-that-may-occur-while-creating-a-connection",
            "insufficient-privileges-to-complete-the-operation",
            "the-user-has-only-guest-permission-in-the-directory",
            "the-user-is-not-authorized-to-add-applications-in-the-directory",
            "failed-to-obtain-an-access-token-or-a-valid-refresh-token-was-not-found",
            "failed-to-assign-contributor-role"} <= aliases
    # The includes of the old docs site are not there: reported with their lines.
    assert (f"{SEED}:22:1: warning: include: include '../_shared/concept-rename-note.md' was "
            "not found beside the article; it was dropped; copy its text into the topic by "
            "hand if it matters") in run.stderr.splitlines()
    check = kb("check", cwd=repo)
    assert (check.code, check.stderr) == (0, "kb check: catalogue is valid\n")


@pytest.mark.skipif(not REFERENCES, reason="the reference articles are not beside the repository")
@pytest.mark.parametrize("article", REFERENCES, ids=lambda p: p.name)
def test_reference_articles_import_and_pass_check(article: Path, tmp_path: Path) -> None:
    repo = shipped_repo_without_topic(tmp_path)
    topic = "imported"
    run = kb("import", "docfx", str(article), "--topic", topic,
             "--base-url", "https://learn.microsoft.com/azure/devops/pipelines/release/x",
             cwd=repo)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    check = kb("check", cwd=repo)
    assert check.code == 0, check.stderr
    assert kb("fmt", "--check", f"catalogue/{topic}", cwd=repo).code == 0
