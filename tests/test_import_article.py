"""`kb import docfx ARTICLE.md` on articles written as Symptoms, Cause and Resolution:
one entry per error, causes in order with their fixes, messages with typed placeholders
and samples, check questions, fix titles in the article's words, a --report, paths
that stay in the source folder; on the shared corpus, the topics pass `kb check --strict`.

Fixture: tests/fixtures/import_article/widget-errors.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from selectolax.lexbor import LexborHTMLParser

from tests.conftest import FIXTURES, ROOT, SHARED
from tests.helpers_cli import MINIMAL, kb

ARTICLE = FIXTURES / "import_article"
CORPUS = SHARED / "docfx-corpus" / "SupportArticles-docs" / "support"
CORPUS_FOLDERS = ("azure/devops", "entra/entra-id/app-integration")


def load(path: Path) -> dict[str, object]:
    data = YAML(typ="safe", pure=True).load(path.read_text())
    assert isinstance(data, dict)
    return data


def repo_with_article(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    shutil.copytree(ARTICLE, repo / "article")
    return repo


def test_symptoms_causes_and_resolutions_become_one_entry(tmp_path: Path) -> None:
    repo = repo_with_article(tmp_path)
    run = kb("import", "docfx", "article/widget-errors.md", "--report", cwd=repo)
    assert run.code == 0, run.stderr
    entry = load(repo / "catalogue" / "widget-errors" / "widget-errors.yml")
    # The error string of the code block, with typed placeholders; its sample is the text
    # the article shows (its GUID and URL are real values, as users see them).
    assert entry["messages"] == [
        "DEMO1234: The widget service cannot start. Session {id:guid} failed to reach "
        "{url:url}."]
    assert entry["samples"] == [
        "DEMO1234: The widget service cannot start. Session "
        "3f2b9c1e-8d4a-4b7e-9c2d-1a2b3c4d5e6f failed to reach https://widgets.contoso.com/api."]
    assert entry["codes"] == ["DEMO1234"]
    causes = entry["causes"]
    assert isinstance(causes, list)
    # Causes keep their order; '<a name>' is the id, the heading's slug an alias.
    assert [(c["id"], c["title"]) for c in causes] == [
        ("port-in-use", "Another program uses the widget port"),
        ("cause-2-the-configuration-file-is-damaged", "The configuration file is damaged")]
    assert causes[0]["aliases"] == ["cause-1-another-program-uses-the-widget-port"]
    # Causes with siblings get a question for the decision tree.
    assert causes[0]["check"] == "Does this apply: Another program uses the widget port?"
    # Fix titles in the article's words; steps and notes in order.
    first = causes[0]["fixes"][0]
    assert first["title"] == "Free the port or move the service"
    assert first["steps"] == ["Find the program that holds the port: run `netstat -ano`.",
                              "Stop that program, or set `port:` in `widget.conf` to a free "
                              "port."]
    assert first["notes"] == [{"type": "note", "position": "after",
                               "text": "The service reads `widget.conf` only when it starts."}]
    second = causes[1]["fixes"][0]
    assert second["title"] == ("Restore the configuration file from the last backup, and then "
                               "start the service again")
    text = (repo / "catalogue" / "widget-errors" / "widget-errors.yml").read_text()
    assert "Resolve the error" not in text and "..." not in text and "…" not in text
    assert "<a name" not in text
    topic = load(repo / "catalogue" / "widget-errors" / "_topic.yml")
    assert [s["id"] for s in topic["closing_sections"]] == ["more-information"]
    # The report names, per entry, what a writer should still look at.
    assert run.stdout.splitlines()[2:] == [
        "report: topic 'widget-errors'",
        "  entry 'widget-errors' (catalogue/widget-errors/widget-errors.yml):",
        "    - messages: 1 taken from the article; compare each with what users see, and the "
        "placeholders with the parts that vary",
        "    - fix 'Restore the configuration file from the last backup, and then start the "
        "service again': title taken from its first step; reword it as what the fix does",
        "    - cause 'port-in-use': the check question is generated; reword it as a yes/no "
        "question that tells this cause apart",
        "    - cause 'cause-2-the-configuration-file-is-damaged': the check question is "
        "generated; reword it as a yes/no question that tells this cause apart",
    ]
    assert "article/widget-errors.md:4:1: warning: front matter: key 'ms.date' is repeated; " \
           "the last value is kept, as DocFX does" in run.stderr.splitlines()
    check = kb("check", "--strict", cwd=repo)
    assert (check.code, check.stderr) == (0, "kb check: catalogue is valid\n")


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_includes_that_leave_the_source_folder_are_refused(tmp_path: Path, kind: str) -> None:
    repo = repo_with_article(tmp_path)
    source = repo / "article"
    (source / ".git").mkdir()  # the article's repository is its source folder
    secret = tmp_path / "secret.md"
    secret.write_text("TOP SECRET\n")
    written = {"dotdot": "../../secret.md", "absolute": str(secret),
               "symlink": "linked.md"}[kind]
    if kind == "symlink":
        os.symlink(secret, source / "linked.md")
    article = source / "widget-errors.md"
    article.write_text(article.read_text().replace(
        "## More information", f"[!INCLUDE [x]({written})]\n\n## More information"))
    run = kb("import", "docfx", "article/widget-errors.md", cwd=repo)
    assert run.code == 1
    assert "Traceback" not in run.stderr and "TOP SECRET" not in run.stdout + run.stderr
    assert run.stderr.splitlines()[0].startswith(
        "article/widget-errors.md:41:1: error: include: refused: ")
    assert not (repo / "catalogue" / "widget-errors").exists()


SHAPES = FIXTURES / "import_shapes"


def shapes_repo(tmp_path: Path) -> Path:
    """The minimal repository with the shipped products, settings and theme, no topic."""
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    shutil.rmtree(repo / "catalogue" / "demo")
    for name in ("mkdocs.yml", "catalogue/products.yml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "overrides", repo / "overrides")
    (repo / "content" / "index.md").write_text("# Home\n\nImported.\n")
    return repo


def test_shapes_of_real_articles_keep_their_text_messages_and_structure(tmp_path: Path) -> None:
    """Shapes of Microsoft's support articles (tests/fixtures/import_shapes): lines ending in
    two spaces (hard line breaks), a quoted message that goes on in lines without '>', a
    message in a code span inside a quote, an alert among the symptoms, headings under the
    Resolution, a tab set and a step that ends in a code block. The topic passes the
    strict check, builds, and each message finds its entry."""
    repo = shapes_repo(tmp_path)
    run = kb("import", "docfx", str(SHAPES / "gadget-errors.md"), "--topic", "gadget",
             cwd=repo)
    assert run.code == 0, run.stderr
    topic = load(repo / "catalogue" / "gadget" / "_topic.yml")
    # Two trailing spaces become a backslash: a hard line break an editor does not trim.
    assert topic["intro"] == ("_Applies to:_ &nbsp; Gadget Server 2022\\\n"
                              "_Original KB number:_ &nbsp; 4010140\n")
    entry = load(repo / "catalogue" / "gadget" / "gadget.yml")
    # The quote's line without '>' is a message too; a code span's backticks are not part of
    # its message; the alert's text is no message.
    assert entry["messages"] == [
        "Error 1069: The gadget service did not start due to a logon failure.",
        "Logon failure: the gadget account is currently disabled.",
        "Gadget refused the connection from the host."]
    fix = entry["causes"][0]["fixes"][0]  # type: ignore[index]
    # Each heading under the Resolution is one step, the text under it inside the step, the
    # tab set whole; the headings' anchors lead to the fix.
    assert fix["aliases"] == ["step-1-enable-the-account", "step-2-restart-the-service"]
    # "To resolve the issue, follow these steps" says nothing of the fix: not its title.
    assert fix["title"] == "Step 1: Enable the account"
    assert fix["description"] == "To resolve the issue, follow these steps:\n"
    first, second = fix["steps"]
    assert first.startswith("**Step 1: Enable the account**\n\n1. Open **Users and Computers**.")
    assert second.startswith("**Step 2: Restart the service**\n")
    assert "# [Portal](#tab/portal)\n" in second and "\n---\n" in second
    check = kb("check", "--strict", cwd=repo)
    assert check.code == 0, check.stderr
    # One version is enough to see the page (a part, as one CI job builds it).
    build = kb("build", "--only", "azure-devops", "--site-dir", "part", cwd=repo, timeout=600)
    assert build.code == 0, build.stderr
    page = LexborHTMLParser((repo / "part" / "azure-devops" / "gadget" / "index.html")
                            .read_text())
    intro = page.css_first("h1 + p")
    assert intro is not None and intro.css("br")
    steps = page.css_first("h4#resolution ~ ol")
    assert steps is not None
    items = [li for li in steps.iter() if li.tag == "li"]
    assert [li.css_first("strong").text() for li in items] == [  # type: ignore[union-attr]
        "Step 1: Enable the account", "Step 2: Restart the service"]
    assert [label.text() for label in items[1].css(".tabbed-labels label")] == [
        "Portal", "Command line"]
    assert not [li for li in page.css("li") if re.search(r"^\s*\d+\.\s", li.text())]
    for message in entry["messages"]:  # type: ignore[union-attr]
        lookup = kb("lookup", "--version", "azure-devops", message, cwd=repo)
        assert lookup.stdout.startswith("1. Gadget service errors  [exact, score 100]"), \
            lookup.stdout


def test_more_shapes_quotes_in_lists_escapes_images_anchors_in_headings(tmp_path: Path) -> None:
    """tests/fixtures/import_shapes/store-errors.md: messages quoted in list items, with
    escapes and character references, an image's attributes (no message), a code span over
    two quote lines, an anchor inside a heading, a title that is one long sentence, a
    generic lead ("To resolve this issue"), two trailing spaces before a nested item."""
    repo = shapes_repo(tmp_path)
    run = kb("import", "docfx", str(SHAPES / "store-errors.md"), "--topic", "store", cwd=repo)
    assert run.code == 0, run.stderr
    entry = load(repo / "catalogue" / "store" / "store.yml")
    # Two trailing spaces inside a code span are no hard line break.
    assert "`Description:\n> initerrlog" in entry["summary"]  # type: ignore[operator]
    # As readers see them: escapes and &nbsp; read, `<names>` typed placeholders; no
    # backtick of a span that opens on the line before.
    assert entry["messages"] == [
        "The window was unable to open, and may have been blocked by a pop-up blocker.",
        "File '{database_file}' cannot be restored to '{path:path}'. The store failed to "
        "start.",
        "initerrlog: Could not open the store log file."]
    cause = entry["causes"][0]  # type: ignore[index]
    # Never cut short: no title ends at the comma of a subordinate clause.
    assert cause["title"].startswith("When a widget package version is added to the store")
    assert cause["title"].endswith("and the store cannot read them")
    fix = cause["fixes"][0]
    # The anchor written inside the heading is the fix's id; the article's link to it stays.
    assert (fix["title"], fix["id"]) == ("Repair the store online", "onlinefix")
    assert "Use [the online repair](#onlinefix) first." in fix["steps"][1]
    # Two trailing spaces before the next item of a list are no hard line break.
    assert "- The installed package is the newer one.\n" in fix["steps"][0]
    assert "\\" not in "".join(fix["steps"])
    check = kb("check", "--strict", cwd=repo)
    assert check.code == 0, check.stderr
    for message in ("The window was unable to open, and may have been blocked by a pop-up "
                    "blocker.", "File 'Sales' cannot be restored to 'D:\\Sales'. The store "
                    "failed to start."):
        lookup = kb("lookup", "--version", "azure-devops", message, cwd=repo)
        assert lookup.stdout.startswith("1. Widget store errors  ["), lookup.stdout
        assert "fuzzy" not in lookup.stdout.splitlines()[0], lookup.stdout


def run_import(tmp_path: Path, text: str, name: str = "article.md", *options: str
               ) -> tuple[Path, Path, Any]:
    """`kb import docfx` of an article of `text` into topic t1 of a new repository, which
    succeeds: the repository, the article and the run."""
    repo = shapes_repo(tmp_path)
    article = tmp_path / name
    article.write_text(text)
    run = kb("import", "docfx", str(article), "--topic", "t1", *options, cwd=repo)
    assert run.code == 0, run.stderr
    return repo, article, run


def imported(tmp_path: Path, text: str) -> tuple[Path, Any]:
    """The repository and the one entry `kb import docfx` makes of an article of `text`."""
    repo, _article, _run = run_import(tmp_path, text)
    return repo, load(repo / "catalogue" / "t1" / "t1.yml")


def found_by_pattern(repo: Path, text: str, value: str) -> None:
    """`kb lookup TEXT` in `repo` finds an entry by its message's pattern first, and reads
    `value` (`name = value`) from the text."""
    run = kb("lookup", text, cwd=repo)
    assert run.code == 0, run.stderr
    assert "[pattern, score" in run.stdout.splitlines()[0], run.stdout
    assert value in run.stdout


def imported_messages(tmp_path: Path, text: str) -> object:
    """The messages of the one entry `kb import docfx` makes of an article of `text`."""
    return imported(tmp_path, text)[1]["messages"]


def test_an_article_about_one_error_may_quote_it_before_its_symptoms(tmp_path: Path) -> None:
    assert imported_messages(
        tmp_path, "# Error 0x87D13BA2 when you deploy apps\n\nThis article solves this "
        "error:\n\n> One or more apps contain invalid bundleIDs. (0x87D13BA2)\n\n## Symptoms"
        "\n\nThe deployment fails.\n\n## Cause\n\nThe bundle ID is wrong.\n\n## Resolution"
        "\n\n1. Correct the bundle ID.\n") == [
        "One or more apps contain invalid bundleIDs. (0x87D13BA2)"]


def test_messages_of_sql_server_powershell_and_storage_are_taken(tmp_path: Path) -> None:
    """Messages in words the import did not take for errors: SQL Server's header line, a
    cmdlet that is not recognized, an access not permitted, a body too large."""
    assert imported_messages(
        tmp_path, "# Restore and upload errors\n\n## Symptoms\n\n```output\nMsg 3156, Level "
        "16, State 6, Line 1\n```\n\n> The term 'Connect-Store' is not recognized as the name "
        "of a cmdlet.\n\n> Public access is not permitted on this storage account.\n\n"
        "> The request body is too large and exceeds the maximum permissible limit.\n\n"
        "## Cause\n\nThe request is wrong.\n\n## Resolution\n\n1. Send it again.\n") == [
        "Msg 3156, Level 16, State 6, Line 1",
        "The term 'Connect-Store' is not recognized as the name of a cmdlet.",
        "Public access is not permitted on this storage account.",
        "The request body is too large and exceeds the maximum permissible limit."]


def test_a_quotation_typed_into_a_code_block_gives_its_lines_without_its_marks(
        tmp_path: Path) -> None:
    """A block quote's marker and quotation marks around the lines of a code block are the
    article's, not the error's: the messages are the lines readers see in their tool."""
    assert imported_messages(
        tmp_path, "# Linked server errors\n\n## Symptoms\n\nYou see these errors:\n\n"
        "```output\n> \"Msg 233, Level 20, State 0, Line 0 \nA transport-level error has "
        "occurred when sending the request to the server.\"\n```\n\n## Cause\n\nThe "
        "mapping is wrong.\n\n## Resolution\n\n1. Map the login again.\n") == [
        "Msg 233, Level 20, State 0, Line 0",
        "A transport-level error has occurred when sending the request to the server."]


def test_a_short_code_block_introduced_as_the_message_is_one_whatever_its_words(
        tmp_path: Path) -> None:
    """"You receive the following error message:" and a console block of the command run,
    then what it printed: the printed line is the message, though it has none of a
    message's usual words; the command is none, typed after a prompt or not. In a longer
    block (a log), only lines with a message's words are messages."""
    printed = ("Account restrictions are preventing this user from signing in. For "
               "example: blank passwords aren't allowed.")
    article = ("# Sign-in fails for protected users\n\n## Symptoms\n\n- When you open the "
               "share by using Command Prompt, you receive the following error message:\n\n"
               "  ```console\n  klist get krbtgt/contoso.com\n  " + printed + "\n  ```\n\n"
               "- When you run the cmdlet, you receive this error message:\n\n  ```powershell\n"
               "  PS C:\\> Get-Thing -Name a -Force\n  Get-Thing -Name b -Force\n  The "
               "thing is in the wrong state today.\n  ```\n\n"
               "- The log shows these error messages:\n\n  ```output\n  Started the sign-in "
               "check.\n  Read the "
               "account settings.\n  Reached the account policy.\n  The policy requires a "
               "smart card.\n  Sign-in failed for user a.\n  ```\n\n"
               "## Cause\n\nThe user is protected.\n\n## Resolution\n\n1. Remove the user "
               "from the group.\n")
    assert imported_messages(tmp_path, article) == [
        printed, "The thing is in the wrong state today.", "Sign-in failed for user a."]


def test_the_names_an_article_makes_up_are_variable_parts(tmp_path: Path) -> None:
    """Contoso, Fabrikam, domain.com: where an article's message names a made-up host,
    account or name, readers see their own; a log with theirs finds the entry by its
    message. A real host name (the registry's) and a path stay as they are."""
    repo, entry = imported(
        tmp_path, "# Kerberos and SQL Server sign-in errors\n\n## Symptoms\n\nYou receive "
        "these error messages:\n\n> The client received an error from the server "
        "host/myserver.domain.com. Machine accounts in the realm (domain.com) differ.\n\n"
        "> Login failed for user 'CONTOSO\\SQLPROD01$' on zone contoso.\n\n"
        "> Error: index.docker.io refused the backup C:\\backup\\Contoso\\Contoso.bak.\n\n"
        "## Cause\n\nThe accounts differ.\n\n## Resolution\n\n1. Rename the account.\n")
    assert entry["messages"] == [
        "The client received an error from the server host/{host}. Machine accounts in the "
        "realm ({host2}) differ.", "Login failed for user '{account}' on zone {name}.",
        "Error: index.docker.io refused the backup C:\\backup\\Contoso\\Contoso.bak."]
    assert kb("check", "--strict", cwd=repo).code == 0
    found_by_pattern(repo, "The client received an error from the server host/web01.fabrikam."
                     "lan. Machine accounts in the realm (fabrikam.lan) differ.",
                     "host = web01.fabrikam.lan")


def test_the_parts_an_article_names_in_any_brackets_are_placeholders(tmp_path: Path) -> None:
    """`{guid id}`, `< DateTime>` and `[GUID]` or `[entity name]` name a variable part (a
    product's own `[SQL Server]` does not); a log line's time in front is no part of its
    message, as the lookup reads a pasted line without it (a part whose name only holds
    "date" in another word, `<UpdateID>`, is none); parts side by side
    (`<Date><Time>`) are one; what PowerShell prints under an
    error (`At line:1 char:20`, `+ CategoryInfo : …`) is no message. Samples fill each part
    by what its name says it holds, and a log line with its time finds the entry exactly."""
    repo, entry = imported(
        tmp_path, "# Setup fails with 0x80070BC9\n\n## Symptoms\n\nYou receive these error "
        "messages:\n\n> Installation of assembly component {guid id} failed HRESULT: "
        "0x80070BC9.\n\n> 450.201.0:< DateTime>: 0x1 (WIN32: 1 ERROR_INVALID_FUNCTION): "
        "Error\n\n> An entitykey [entity key name] with the attributes [GUID] already exists "
        "in [SQL Server] on entity [entity name]\n\n> \\<DateTime>, Error CSI 00001928 (F) "
        "Impactful transactions are disabled at this time.\n\n> <UpdateID> failed to install "
        "on the server.\n\n> Error: the request of "
        "<Date><Time> from <Client> failed.\n\n```output\nThe term 'Get-Thing' "
        "is not recognized as the name of a cmdlet.\nAt line:1 char:20\n+ CategoryInfo : "
        "ObjectNotFound: (Get-Thing:String) [], CommandNotFoundException\n```\n\n"
        "## Cause\n\nTransactions are off.\n\n## Resolution\n\n1. Restart the computer.\n")
    assert entry["messages"] == [
        "Installation of assembly component {guid_id} failed HRESULT: 0x80070BC9.",
        "450.201.0:{datetime}: 0x1 (WIN32: 1 ERROR_INVALID_FUNCTION): Error",
        "An entitykey {entity_key_name} with the attributes {guid} already exists in "
        "[SQL Server] on entity {entity_name}",
        "Error CSI 00001928 (F) Impactful transactions are disabled at this time.",
        "{updateid} failed to install on the server.",
        "Error: the request of {date_time} from {client} failed.",
        "The term 'Get-Thing' is not recognized as the name of a cmdlet."]
    assert entry["samples"][:3] == [
        "Installation of assembly component 6c4e6f1d-2b7a-4f5e-9a3c-8d1e0f2a7b94 failed "
        "HRESULT: 0x80070BC9.",
        "450.201.0:2024-05-06 07:08:09Z: 0x1 (WIN32: 1 ERROR_INVALID_FUNCTION): Error",
        "An entitykey contoso with the attributes 6c4e6f1d-2b7a-4f5e-9a3c-8d1e0f2a7b94 "
        "already exists in [SQL Server] on entity contoso"]
    assert kb("check", "--strict", cwd=repo).code == 0
    run = kb("lookup", "2024-05-06 07:08:09, Error CSI 00001928 (F) Impactful transactions "
             "are disabled at this time.", cwd=repo)
    assert "[exact, score 100]" in run.stdout.splitlines()[0], run.stdout


def test_messages_of_logs_dialogs_and_json_are_what_the_program_said(tmp_path: Path) -> None:
    """A long quote introduced as errors is a log: only its lines with a message's words
    are messages (a short one is taken whole); `%s` and `%1` are parts the program fills
    in; an HTML line break at a line's end is no part of the message; an error written as
    JSON on one line, or as a JSON member's value, gives its message ("resembles the
    following message." introduces it); a .NET exception or an HRESULT marks a log line as
    an error, and its time of day is a variable part."""
    log = "".join(f"> Evaluating health check rule {n}: the repository is read.\n"
                  for n in range(12))
    repo, entry = imported(
        tmp_path, "# Health evaluation fails\n\n## Symptoms\n\nThe following errors are "
        "logged in CcmEval.log:\n\n" + log + "> Failed to delete class 'CIM_Error' (80041002)"
        "\n\nYou receive the following error message:\n\n> There is a problem with the "
        "certificate, %s. Outlook is unable to connect to %1. (%s)<br/>\n> This site can't "
        "be reached<br/>\n\n```json\n{\"error\":{\"code\":\"MoveTimedOut\",\"message\":"
        "\"Moving resources did not finish within the allowed time.\"}}\n```\n\nThe move "
        "returns an answer that resembles the following message.\n\n```json\n{\n  "
        "\"statusCode\": \"Conflict\",\n  \"statusMessage\": \"{\\\"error\\\":{\\\"message\\\":"
        "\\\"The group stays locked until the move ends.\\\"}}\"\n}\n```\n\n```console\n"
        "I, 11:18:22.791, attempt 0, System.Net.Sockets.SocketException (0x80004005): No such "
        "host is known\nat System.Net.Dns.GetAddrInfo(String name)\nat System.Net.Dns."
        "GetHostAddresses(String hostNameOrAddress)\nat System.Net.Sockets.Connect()\n```\n\n"
        "## Cause\n\nThe repository is damaged.\n\n## Resolution\n\n1. Repair the "
        "repository.\n")
    assert entry["messages"] == [
        "Failed to delete class 'CIM_Error' (80041002)",
        "There is a problem with the certificate, {value}. Outlook is unable to connect to "
        "{value2}. ({value3})", "This site can't be reached",
        "Moving resources did not finish within the allowed time.",
        "The group stays locked until the move ends.",
        "I, {time}, attempt 0, System.Net.Sockets.SocketException (0x80004005): No such host "
        "is known"]
    assert kb("check", "--strict", cwd=repo).code == 0


def test_an_event_as_the_event_viewer_shows_it_gives_its_description(tmp_path: Path) -> None:
    """A code block with an event's fields (`Log Name:`, `Event ID:`) and `Description:`:
    the message is the description, its lines joined ("…because of the following error:"
    and the error on the next line are one message), whatever its words; the fields are no
    message."""
    block = ("```cmd\nLog Name:      System\nSource:        Service Control Manager\nEvent ID:"
             "      {id}\nLevel:         Error\nDescription:\n{text}\n```\n\n")
    assert imported_messages(
        tmp_path, "# Netlogon doesn't start\n\n## Symptoms\n\n" + block.format(
            id=7022, text="The Netlogon service hung on starting.") + block.format(
            id=7001, text="The Netlogon service depends on the Workstation service which "
            "failed to start because of the following error:\nThe service cannot be started.")
        + "## Cause\n\nThe Workstation service is off.\n\n## Resolution\n\n1. Turn the "
        "Workstation service on.\n") == [
        "The Netlogon service hung on starting.",
        "The Netlogon service depends on the Workstation service which failed to start "
        "because of the following error: The service cannot be started."]


def test_a_code_written_without_its_0x_is_a_code_both_ways(tmp_path: Path) -> None:
    """"You receive a 80072EE6 error code": the code, as written and with its 0x (a log
    shows either), so that a lookup of either finds the entry; a plain number is none."""
    repo, entry = imported(
        tmp_path, "# You receive a 80072EE6 error code when you download an update\n\n"
        "## Symptoms\n\nThe update fails after 20121218 tries, and you receive the following "
        "error code:\n\n> 80072EE6\n\n## Cause\n\nThe server's address is wrong.\n\n"
        "## Resolution\n\n1. Correct the address.\n")
    assert entry["codes"] == ["0x80072ee6", "80072ee6"]
    for text in ("Windows Update failed: 80072EE6", "There were problems (0x80072ee6)"):
        run = kb("lookup", text, cwd=repo)
        assert "[code, score 80]" in run.stdout.splitlines()[0], run.stdout


def test_a_sample_is_the_text_the_article_shows_where_its_values_are_real(
        tmp_path: Path) -> None:
    """A message's sample is what users see: the article's own text where each variable
    part is a real value (a URL, an address), typical values where the article names a
    part (<Registry>) or masks it (xxxx): those are no text a program prints."""
    repo, entry = imported(
        tmp_path, "# Image pulls fail\n\n## Symptoms\n\nYou receive these error messages:\n\n"
        "> You have reached your pull rate limit. You may increase the limit by upgrading: "
        "https://www.docker.com/increase-rate-limits.\n\n"
        "> Error: the registry <Registry> refused the pull of image xxxx.\n\n"
        "## Cause\n\nThe pulls are limited.\n\n## Resolution\n\n1. Sign in to the registry.\n")
    assert entry["messages"] == [
        "You have reached your pull rate limit. You may increase the limit by upgrading: "
        "{url:url}.", "Error: the registry {registry} refused the pull of image {value}."]
    assert entry["samples"] == [
        "You have reached your pull rate limit. You may increase the limit by upgrading: "
        "https://www.docker.com/increase-rate-limits.",
        "Error: the registry contoso refused the pull of image contoso."]
    assert kb("check", "--strict", cwd=repo).code == 0


def test_a_memory_address_in_a_message_is_a_variable_part(tmp_path: Path) -> None:
    """A crash's 64-bit address differs on every machine: a placeholder, so that a log with
    another address finds the entry by its message; an error code of 8 digits stays."""
    repo, entry = imported(
        tmp_path, "# LNK1000 when you link\n\n## Symptoms\n\n> LINK : fatal error LNK1000: "
        "unknown error at 000000013FA24241; code 0x80070005\n\n## Cause\n\nThe linker "
        "mishandles import objects.\n\n## Resolution\n\n1. Install the hotfix.\n")
    assert entry["messages"] == [
        "LINK : fatal error LNK1000: unknown error at {address}; code 0x80070005"]
    found_by_pattern(repo, "LINK : fatal error LNK1000: unknown error at 00000001400A1234; "
                     "code 0x80070005", "address = 00000001400A1234")


def test_messages_keep_the_backslashes_and_escaped_marks_readers_see(tmp_path: Path) -> None:
    """Each message as CommonMark shows it, then made a pattern the texts users paste
    match: an escaped underscore or asterisk stays (it is no emphasis mark); the backslash
    before a <name> stays (a domain account); a path or URL with a <name> in it becomes one
    path or URL placeholder (a pasted text's path is one variable part); text in quotation
    marks is read as a quote is: escapes and character references read."""
    repo, entry = imported(
        tmp_path, "# Agent errors\n\n## Symptoms\n\n> Login failed for user "
        "'CONTOSO\\\\\\<UserName>'.\n\n"
        "> Error: The folder \\_diag\\\\\\<Agent> could not be created.\n\n```output\nError: "
        "Access to C:\\Users\\<UserName>\\Temp was denied.\n```\n\n> Could not find file "
        "'\\<Driver>:\\\\\\<Folder>\\\\_diag\\\\Agent.log'.\n\nThe log says \"The agent failed "
        "to read \\*\\*secrets\\*\\* of &lt;pool&gt; at https://dev.azure.com/\\<org>/_apis\"."
        "\n\n## Cause\n\nThe folder is gone.\n\n## Resolution\n\n1. Create it.\n")
    assert entry["messages"] == [
        "Login failed for user 'CONTOSO\\{username}'.",
        "Error: The folder _diag\\{agent} could not be created.",
        "Error: Access to {path:path} was denied.",
        "Could not find file '{path:path}'.",
        "The agent failed to read **secrets** of {pool} at {url:url}"]
    assert kb("check", "--strict", cwd=repo).code == 0
    for text in ("Login failed for user 'CONTOSO\\jdoe'.",
                 "Error: Access to C:\\Users\\jdoe\\Temp was denied.",
                 "Could not find file 'D:\\agents\\a1\\_diag\\Agent.log'.",
                 "The agent failed to read **secrets** of Default at "
                 "https://dev.azure.com/fabrikam/_apis"):
        found = json.loads(kb("lookup", "--json", text, cwd=repo).stdout)["results"]
        assert [(r["entry"], r["kind"]) for r in found] == [("t1", "pattern")], text


def test_the_topic_title_is_the_heading_readers_see(tmp_path: Path) -> None:
    """The page's first heading is the topic's title (the front matter's title is the
    browser tab's, often shorter); without one, the front matter's title is."""
    body = ("## Symptoms\n\n> Error WDG10001: The widget wasn't found.\n\n## Cause\n\nThe "
            "widget was deleted.\n\n## Resolution\n\n1. Create the widget again.\n")
    for name, text, title in (
            ("h1", "---\ntitle: Widget not found\n---\n# Error WDG10001 when you open a "
             "widget\n\n" + body, "Error WDG10001 when you open a widget"),
            ("front", "---\ntitle: Widget not found\n---\n" + body, "Widget not found")):
        repo, _entry = imported(tmp_path / name, text)
        assert load(repo / "catalogue" / "t1" / "_topic.yml")["title"] == title


def test_without_a_cause_heading_the_symptoms_say_why(tmp_path: Path) -> None:
    """An article with Symptoms and Resolution only: the symptoms' sentence that says why
    the error happens ("It occurs when ...") names the cause; without one, the error's
    title does."""
    symptoms = ("# Widget sync fails with error WDG30001\n\n## Symptoms\n\nThe sync stops "
                "with error WDG30001 after a minute. {}\n\n## Resolution\n\n1. Renew the "
                "certificate.\n")
    _repo, entry = imported(tmp_path / "said", symptoms.format(
        "It occurs when the *certificate* of the [sync service](https://example.org/sync) "
        "expired. Other syncs go on."))
    assert [c["title"] for c in entry["causes"]] == [
        "The certificate of the sync service expired"]
    _repo, entry = imported(tmp_path / "unsaid", symptoms.format("Other syncs go on."))
    assert [c["title"] for c in entry["causes"]] == [
        "Widget sync fails with error WDG30001"]


def test_numbered_methods_under_a_resolution_are_fixes_to_choose_from(tmp_path: Path) -> None:
    """Headings under a Resolution numbered as methods or options are ways to choose from:
    one fix each, named by its heading (without its number) and keeping its anchor; the
    text that says which applies goes to the cause, and a list that only links to the
    methods is left out (before, both methods and the list were steps of one fix)."""
    repo, entry = imported(tmp_path, (
        "# Widget error WDG40001\n\n## Symptoms\n\n> Error WDG40001: The widget is locked."
        "\n\n## Cause\n\nAnother session holds the widget.\n\n## Resolution\n\nWhich "
        "method works depends on whether the session still runs.\n\n"
        "- [Method 1: Close the session](#method-1-close-the-session)\n"
        "- [Method 2: Unlock by hand](#method-2-unlock-by-hand)\n\n"
        "### Method 1: Close the session\n\n1. Open the session list.\n2. Close the "
        "session.\n\n### Method 2: Unlock by hand\n\n1. Run `widget unlock`.\n"))
    [cause] = entry["causes"]
    assert cause["description"] == ("Another session holds the widget.\n\nWhich method "
                                    "works depends on whether the session still runs.\n")
    assert [(f["title"], f.get("id"), f["steps"]) for f in cause["fixes"]] == [
        ("Close the session", "method-1-close-the-session",
         ["Open the session list.", "Close the session."]),
        ("Unlock by hand", "method-2-unlock-by-hand", ["Run `widget unlock`."])]
    assert kb("check", "--strict", cwd=repo).code == 0


def test_headings_that_inform_under_a_resolution_are_notes_not_steps(tmp_path: Path) -> None:
    """"Prerequisites" comes before the steps as a note, "Restart requirement" after them;
    neither is a step of the fix (a heading that acts still is)."""
    repo, entry = imported(tmp_path, (
        "# Widget error WDG50001\n\n## Symptoms\n\n> Error WDG50001: The widget crashed."
        "\n\n## Cause\n\nA defect in the widget.\n\n## Resolution\n\nInstall the update."
        "\n\n### Step 1: Install the update\n\nRun the installer.\n\n### Prerequisites\n\n"
        "You need widget 2.0.\n\n### Restart requirement\n\nRestart after you install it.\n"))
    [fix] = entry["causes"][0]["fixes"]
    assert fix["steps"] == ["**Step 1: Install the update**\n\nRun the installer.\n"]
    assert fix["notes"] == [
        {"type": "note", "text": "**Prerequisites**\n\nYou need widget 2.0.\n"},
        {"type": "note", "text": "**Restart requirement**\n\nRestart after you install it.\n",
         "position": "after"}]
    assert kb("check", "--strict", cwd=repo).code == 0


def test_a_quoted_line_that_ends_in_a_colon_goes_on_in_the_next(tmp_path: Path) -> None:
    """A quote's line that ends in a colon after words of its own goes on in the next line
    of its paragraph: one message (before, the next line alone, "The handle is invalid.",
    was the message, and matched any log that says so); a blank line of the quote ends
    it, and a label ("Description:") stays no message."""
    assert imported_messages(
        tmp_path, "# Widget sync fails\n\n## Symptoms\n\nThe sync fails with this error:"
        "\n\n> WidgetSync() failed with status 6 (0x6):  \n> The handle is invalid.\n\n"
        "The log shows:\n\n> WDG (s) (1C:38): Widget note 1935 for the widget service:\n>\n"
        "> WDG (s) (1C:38): "
        "Widget error (sxs): look into the widget log.\n\n## Cause\n\nThe handle was "
        "closed.\n\n## Resolution\n\n1. Sync again.\n") == [
        "WidgetSync() failed with status 6 (0x6): The handle is invalid.",
        "WDG (s) (1C:38): Widget error (sxs): look into the widget log."]


def test_text_after_the_steps_that_asks_for_nothing_is_a_note(tmp_path: Path) -> None:
    """A paragraph after a resolution's numbered steps that asks for no action (a risk,
    where to read more) is a note after them; one that does ("After you ..., restart ...")
    is one more step."""
    fix = one_fix(tmp_path, (
        "1. Open **Sharing**.\n2. Select **Private**.\n\nAfter you change it, restart the "
        "widget service.\n\nA private widget can't be embedded. For more information, see "
        "[Embed widgets](https://example.org/embed).\n"))
    assert fix["steps"] == ["Open **Sharing**.", "Select **Private**.",
                            "After you change it, restart the widget service."]
    assert fix["notes"] == [{"type": "note", "position": "after", "text": (
        "A private widget can't be embedded. For more information, see "
        "[Embed widgets](https://example.org/embed).\n")}]


def one_fix(tmp_path: Path, resolution: str) -> dict[str, Any]:
    """The one fix `kb import docfx` makes of an article about one error whose Resolution
    reads `resolution`, after the topic passed `kb check --strict`."""
    repo, entry = imported(tmp_path, (
        "# Widget error WDG60001\n\n## Symptoms\n\n> Error WDG60001: The widget is public."
        "\n\n## Cause\n\nThe widget is shared.\n\n## Resolution\n\n" + resolution))
    assert kb("check", "--strict", cwd=repo).code == 0
    [fix] = entry["causes"][0]["fixes"]
    return dict(fix)


def test_what_to_do_where_the_steps_do_not_help_is_a_note_after_them(tmp_path: Path) -> None:
    """"If the record doesn't exist, collect the following:" and its list, after a
    resolution's numbered steps: a note after the steps, with its list (what to collect is
    no step of the fix); "Then check the following:" and its list stay steps."""
    fix = one_fix(tmp_path, (
        "1. Open **Devices**.\n2. Remove the device.\n\nThen check the following:\n\n"
        "- The device is gone from the list.\n\nIf the record doesn't exist, contact support "
        "with the following:\n\n- **Device CSV**: the file that failed.\n- **Logs**: the "
        "device's logs.\n"))
    assert fix["steps"] == ["Open **Devices**.", "Remove the device.",
                            "Then check the following:", "The device is gone from the list."]
    assert fix["notes"] == [{"type": "note", "position": "after", "text": (
        "If the record doesn't exist, contact support with the following:\n\n"
        "- **Device CSV**: the file that failed.\n- **Logs**: the device's logs.\n")}]


def test_fixes_titled_alike_keep_anchors_of_their_own(tmp_path: Path) -> None:
    """Two resolutions that begin alike keep their headings' anchors, and two fixes made
    from text that begin alike get numbered ones: the page never has one id twice (which
    `kb check` refuses)."""
    repo, entry = imported(tmp_path / "headings", (
        "# Widget error WDG70001\n\n## Symptoms\n\n> Error WDG70001: The widget timed out."
        "\n\n## Cause\n\nThe widget starts slowly.\n\n### Resolution 1\n\nUse the Start "
        "action to start the widget.\n\n### Resolution 2\n\nUse the Start action to start "
        "the widget. Then wait for it.\n"))
    assert [f.get("id") for f in entry["causes"][0]["fixes"]] == ["resolution-1",
                                                                "resolution-2"]
    assert kb("check", "--strict", cwd=repo).code == 0
    repo, _article, _run = run_import(tmp_path / "text", (
        "# Widget errors\n\n## Error WDG70002 when you open a widget\n\nThe widget shows "
        "`WDG70002: The widget is locked.`\n\nFollow these steps:\n\n1. Sign in as an "
        "administrator.\n2. Unlock the widget.\n\nFollow these steps:\n\n1. Sign in as an "
        "administrator.\n2. Delete the widget.\n"))
    [entry] = [load(p) for p in (repo / "catalogue" / "t1").glob("*.yml")
               if p.name != "_topic.yml"]
    cause = entry["causes"][0]
    assert [(f["title"], f.get("id")) for f in cause["fixes"]] == [
        ("Sign in as an administrator", None),
        ("Sign in as an administrator", f"{cause['id']}-sign-in-as-an-administrator-2")]
    assert kb("check", "--strict", cwd=repo).code == 0


def test_a_resolution_that_opens_with_a_whole_fix_gives_two(tmp_path: Path) -> None:
    """"To resolve this issue, do X." then "In some flows, …, do Y instead:" and Y's steps:
    two fixes, X (its sentence its one step) and Y, titled by what to do (before, one fix
    titled X held Y's steps, so a reader following the title got the other change)."""
    repo, entry = imported(tmp_path, (
        "# Widget error WDG80001\n\n## Symptoms\n\n> Error WDG80001: The request must "
        "contain a key.\n\n## Cause\n\nThe widget sends no key.\n\n## Resolution\n\n"
        "To resolve this issue, include the key in the request.\n\nIn some flows, such as "
        "the kiosk flow where the widget has no key, make the widget public instead:\n\n"
        "1. Open **Settings**.\n2. Select **Public**.\n"))
    assert [(f["title"], f["steps"]) for f in entry["causes"][0]["fixes"]] == [
        ("Include the key in the request",
         ["To resolve this issue, include the key in the request."]),
        ("Make the widget public instead", ["Open **Settings**.", "Select **Public**."])]
    assert kb("check", "--strict", cwd=repo).code == 0


def test_the_text_between_two_quotations_is_no_message(tmp_path: Path) -> None:
    """A quotation mark right after a letter or digit closes a quotation: the text from it
    to the next quotation's opening mark is no quotation (before, a short first quotation
    left `" then search the site for "` as a message)."""
    assert imported_messages(
        tmp_path, "# Widget errors\n\n## Symptoms\n\nYou receive an error. For example, if "
        'you get the code "WDG10001" then search the error site for "10001".\n\n> Error '
        "WDG10001: The widget wasn't found.\n\n## Cause\n\nThe widget was deleted.\n\n"
        "## Resolution\n\n1. Create the widget again.\n") == [
        "Error WDG10001: The widget wasn't found."]


def test_a_quote_the_article_introduces_as_an_error_message_is_one(tmp_path: Path) -> None:
    """"You may receive the following error message:" makes the quote after it a message,
    whatever its words; a label line of it ("Description:") is none, and a quote after other
    text still needs the words of an error."""
    assert imported_messages(
        tmp_path, "# Share errors\n\n## Symptoms\n\nWhen you connect to a share, you may "
        "receive the following error message:\n\n> **Share path/Name** is not accessible.\n\n"
        "During the import, the following error is displayed:\n\n> Description:\n> An item "
        "with the selected key already exists on the list\n\nHere is what to remember:\n\n"
        "> The share holds the team's documents.\n\n## Cause\n\nThe share is offline.\n\n"
        "## Resolution\n\n1. Bring the share online.\n") == [
        "Share path/Name is not accessible.",
        "An item with the selected key already exists on the list"]


def test_a_message_on_the_line_after_its_introduction_is_taken(tmp_path: Path) -> None:
    """"…fails with the following error message:" then the message on the next line of the
    same paragraph, without a quote: the line is the message. A line after a blank line, or
    after other text, is not."""
    assert imported_messages(
        tmp_path, "# Invitations fail\n\nRedeeming an invitation fails with the following "
        "error message:\nError: The requested realm object 'https://abc.contoso.com' does "
        "not exist for this tenant.\n\nThe tenant trusts the partner:\nThe partner signs "
        "the tokens with its own key.\n\n## Symptoms\n\nThe guest sees the error.\n\n"
        "## Cause\n\nThe realm is wrong.\n\n## Resolution\n\n1. Correct the realm.\n") == [
        "Error: The requested realm object '{url:url}' does not exist for this tenant."]


def test_messages_under_symptom_subheadings_no_labels_quotes_kept_whole(tmp_path: Path) -> None:
    """Messages quoted under a heading inside Symptoms are taken; an event's fields ("Type:
    Error"), a label ("Error code:") and two words alone ("Internal error") are not (each
    would find the entry in any log that shows it); a message that ends in a quoted part
    keeps its closing quotation mark, and one in quotation marks with quoted parts loses
    only the marks around it."""
    assert imported_messages(
        tmp_path, "# Flows fail\n\n## Symptoms\n\n### Scenario 1\n\nThe flow fails with:\n\n"
        "- > Failed to take control of the browser (communication failure).\n\n### Scenario 2"
        "\n\n```output\nType: Error\nEvent ID: 4\nError code:\nInternal error\nThe browser "
        "extension could not be reached.\n\"The provider \"MSDASQL\" reported an error.\"\n"
        "```\n\n> The controller could not be contacted: \"Access is denied\"\n\n## Cause\n\n"
        "The extension is missing.\n\n## Resolution\n\n1. Install the extension.\n") == [
        "Failed to take control of the browser (communication failure).",
        "The browser extension could not be reached.",
        "The provider \"MSDASQL\" reported an error.",
        "The controller could not be contacted: \"Access is denied\""]


def test_a_json_response_gives_the_message_of_its_members(tmp_path: Path) -> None:
    """A JSON response in a code block: the message is a member's value as read (its
    first line), not the line with the key, quotation marks and comma."""
    assert imported_messages(
        tmp_path, "# Token requests fail\n\n## Symptoms\n\n```json\n{\n    \"error\": "
        "\"invalid_client\",\n    \"error_description\": \"AADSTS7000218: The request body "
        "must contain the parameter 'client_secret'.\\r\\nTrace ID: xxx\\r\\nTimestamp: "
        "2019-08-18 20:38:28Z\",\n    \"error_codes\": [7000218]\n}\n```\n\n## Cause\n\n"
        "The app is no public client.\n\n## Resolution\n\n1. Send the secret.\n") == [
        "AADSTS7000218: The request body must contain the parameter 'client_secret'."]


def test_a_sentence_that_only_leads_on_is_no_fix_title(tmp_path: Path) -> None:
    """"Follow these steps:" or "Here are the possible causes..." says nothing of the fix:
    the title is taken from its first step instead, as for "To resolve this issue". A
    sentence that goes on to say what it does stays the title."""
    _, entry = imported(
        tmp_path, "# Sign-in fails\n\n## Symptoms\n\n> AADSTS50107: The requested federation realm "
        "object does not exist.\n\n## Cause\n\nThe realm is not configured.\n\n## Resolution 1"
        "\n\nFollow these steps:\n\n1. Add the realm to the federation settings.\n2. Save.\n\n"
        "## Resolution 2\n\nHere are the possible causes of the issue and what to do.\n\n1. "
        "Correct the realm name.\n\n## Resolution 3\n\nUse the following command to add "
        "the realm again:\n\n1. Run `realm add`.\n")
    assert [f["title"] for f in entry["causes"][0]["fixes"]] == [
        "Add the realm to the federation settings", "Correct the realm name",
        "Use the following command to add the realm again"]


def test_a_fix_without_steps_is_titled_by_the_sentence_that_says_what_to_do(
        tmp_path: Path) -> None:
    """A resolution of paragraphs alone, that first says what happens and then what to do:
    the fix's title is what to do ("You can correct this error by …" read as "Correct this
    error by …"); "If …, you must …" stays whole, its clause says what "it" is. A text that
    never says what to do is titled by its first sentence, as before."""
    _, entry = imported(
        tmp_path, "# Linked server sign-in fails\n\n## Symptoms\n\n> Error 7399: The provider "
        "reported an error. Authentication failed.\n\n## Cause\n\nThe mapping is wrong.\n\n"
        "## Resolution 1\n\nIn the **security** dialog, when you select the first option, the "
        "sign-in error is displayed. With the second option, the sign-in works.\n\nYou can "
        "correct this error by forcing TCP/IP or granting the permissions.\n\n"
        "## Resolution 2\n\nThe upload stops at 4 MB. If your file is too large, you must "
        "split it into chunks.\n\n## Resolution 3\n\nThe provider reads the mapping at "
        "startup. The mapping applies to every server.\n")
    assert [f["title"] for f in entry["causes"][0]["fixes"]] == [
        "Correct this error by forcing TCP/IP or granting the permissions",
        "If your file is too large, you must split it into chunks",
        "The provider reads the mapping at startup"]


def test_a_troubleshooting_heading_after_the_symptoms_holds_the_fix(tmp_path: Path) -> None:
    """"Symptoms" then "Troubleshooting": one error, whose fix the second heading gives
    (not two entries named "Symptoms" and "Troubleshooting")."""
    repo, entry = imported(
        tmp_path, "# Log Reader Agent fails with 20011\n\n## Symptoms\n\n> The process could "
        "not execute 'sp_replcmds' on the server.\n\n## Troubleshooting\n\n1. Restart the Log "
        "Reader Agent.\n2. Reinitialize the subscription.\n")
    assert entry["title"] == "Log Reader Agent fails with 20011"
    assert entry["messages"] == ["The process could not execute 'sp_replcmds' on the server."]
    [cause] = entry["causes"]
    assert cause["fixes"][0]["steps"] == ["Restart the Log Reader Agent.",
                                          "Reinitialize the subscription."]
    assert sorted(p.name for p in (repo / "catalogue" / "t1").glob("*.yml")) == [
        "_topic.yml", "t1.yml"]


def test_a_task_heading_before_the_symptoms_names_no_error(tmp_path: Path) -> None:
    """"Check the quota in the portal" right before "Symptoms" is a task the article asks
    for, not the error's name: the entry is named by the article's title, and the task
    stays a section of the topic. A heading that names the error does name it."""
    article = ("# Quota requests fail\n\n## Check the quota in the portal\n\n1. Open "
               "**Quotas**.\n\n## Symptoms\n\n> The subscription is over its quota for the "
               "SKU.\n\n## Cause\n\nThe limit is too low.\n\n## Resolution\n\n1. Ask for a "
               "higher limit.\n")
    repo, entry = imported(tmp_path / "task", article)
    assert entry["title"] == "Quota requests fail"
    assert "Check the quota in the portal" in (repo / "catalogue" / "t1" / "_topic.yml"
                                               ).read_text()
    named = article.replace("## Check the quota in the portal\n\n1. Open **Quotas**.",
                            "## Over quota for the SKU\n\nThe deployment stops.")
    repo, _, _ = run_import(tmp_path / "named", named)
    assert (repo / "catalogue" / "t1" / "over-quota-for-the-sku.yml").is_file()


def test_an_escaped_angle_bracket_name_stays_in_titles(tmp_path: Path) -> None:
    """`\\<cmdlet name>` and `\\<SkipRearm>` are text readers see, not HTML: titles keep them
    (before, `The term \\ is not recognized`); HTML in a title still goes."""
    _, entry = imported(
        tmp_path, "# The term \\<cmdlet name> is not <b>recognized</b>\n\n## Symptoms\n\n> The "
        "term 'Get-Thing' is not recognized as the name of a cmdlet.\n\n## Cause\n\nThe module "
        "is missing.\n\n## Resolution\n\nTo work around this issue, use the \\<SkipRearm> "
        "setting in an answer file.\n")
    assert entry["title"] == "The term <cmdlet name> is not recognized"
    assert entry["causes"][0]["fixes"][0]["title"] == (
        "Use the <SkipRearm> setting in an answer file")


def test_an_include_that_was_dropped_leaves_no_empty_summary(tmp_path: Path) -> None:
    """An error's text that begins with an include not found beside the article: the
    include is dropped and reported, and the entry gets no empty summary (before, the import
    failed its own check and wrote nothing)."""
    repo, _article, run = run_import(
        tmp_path, "# DFS namespace errors\n\n## The namespace cannot be queried\n\n> Error: the "
        "namespace cannot be queried. The data is invalid.\n\n## Import the registry key\n\n"
        "> [!NOTE]\n> Reopen the console afterwards.\n\n"
        "[!INCLUDE [Registry alert](../includes/registry-alert.md)]\n\nImporting the key "
        "from a backup can resolve the issue.\n\nIf no backup is present, the only option is "
        "to delete the namespace and create it again.\n\n> [!NOTE]\n> Restart the service."
        "\n")
    assert run.code == 0, run.stderr
    assert "include '../includes/registry-alert.md' was not found" in run.stderr
    assert kb("check", "--strict", cwd=repo).code == 0


def test_ways_a_resolution_lists_to_choose_from_are_fixes(tmp_path: Path) -> None:
    """"Use one of the following methods:" and a bulleted list: one fix per item, titled by
    its first sentence (or by the name it opens with), its numbered list (or its text, with
    the code to run) its steps; the resolution's alert goes to the first, and the sentence
    that says to choose to the cause. Text after the list keeps the resolution one fix."""
    article = (
        "# Error 633 when you connect\n\n## Symptoms\n\n> Error 633 - the modem is already in "
        "use.\n\n## Cause\n\nAnother program uses the port.\n\n## Workaround\n\n> [!WARNING]\n"
        "> Edit the registry with care.\n\nTo work around this issue, use one of the following "
        "methods:\n\n- Reserve the port. To do it, follow these steps:\n  1. Open Registry "
        "Editor.\n  2. Add the port to ReservedPorts.\n- SQL Server\n\n    If the issue occurs "
        "in SQL Server, run this command:\n\n    ```sql\n    DBCC FREESYSTEMCACHE('ALL')\n"
        "    ```\n- Restart your computer.\n")
    _, entry = imported(tmp_path / "listed", article)
    [cause] = entry["causes"]
    assert [(f["title"], len(f["steps"])) for f in cause["fixes"]] == [
        ("Reserve the port", 2), ("SQL Server", 1), ("Restart your computer", 1)]
    assert cause["fixes"][0]["id"] == "workaround"
    assert cause["fixes"][0]["notes"][0]["type"] == "warning"
    assert "DBCC FREESYSTEMCACHE" in cause["fixes"][1]["steps"][0]
    assert "use one of the following methods" in cause["description"]
    _, entry = imported(tmp_path / "after", article + "\nThen restart the service.\n")
    assert len(entry["causes"][0]["fixes"]) == 1


def test_a_resolution_for_cause_n_is_the_fix_of_cause_n(tmp_path: Path) -> None:
    """"Cause 1" to "Cause 3", then "Resolution for cause 1" to "Resolution for cause 3":
    each resolution is the fix of the cause it names (before, the first two causes took
    their own text as their fix, and the last one had the three resolutions). A title
    keeps what its code spans hold (`#include <cstdlib>`)."""
    causes = "".join(f"## Cause {n}\n\nThe client sends method {n}.\n\n" for n in (1, 2, 3))
    fixes = "".join(f"## Resolution for cause {n}\n\n1. Send method {n + 3}.\n\n"
                    for n in (1, 2, 3))
    _, entry = imported(
        tmp_path, "# HTTP Error 405.0\n\n## Symptoms\n\n> HTTP Error 405.0 - Method not "
        "allowed\n\n" + causes + fixes.replace("1. Send method 5.", "1. Place the "
                                               "`#include <cstdlib>` in the namespace."))
    assert [(c["title"], [f["title"] for f in c["fixes"]]) for c in entry["causes"]] == [
        ("The client sends method 1", ["Send method 4"]),
        ("The client sends method 2", ["Place the #include <cstdlib> in the namespace"]),
        ("The client sends method 3", ["Send method 6"])]


def test_a_cause_because_of_something_is_titled_by_that_thing(tmp_path: Path) -> None:
    """"This issue occurs because of a problem in the driver." names its cause "A problem
    in the driver"; "Follow steps below:" only leads to the steps, so the first step titles
    the fix."""
    _, entry = imported(
        tmp_path, "# Sockets fail with 10013\n\n## Symptoms\n\n> An attempt was made to access "
        "a socket in a way forbidden by its access permissions.\n\n## Cause\n\nThis issue "
        "occurs because of a problem in the tcpip.sys driver.\n\n## Resolution\n\nFollow steps "
        "below:\n\n1. Install the driver update.\n2. Restart the computer.\n")
    [cause] = entry["causes"]
    assert cause["title"] == "A problem in the tcpip.sys driver"
    assert cause["fixes"][0]["title"] == "Install the driver update"


def test_a_link_the_text_leads_to_titles_the_fix_when_it_says_what_to_do(
        tmp_path: Path) -> None:
    """"The hotfix is available from the Download Center:" and, on the next line, a link
    "Download the hotfix package now": the link's words are the fix, with no mark of the
    line's hard break. A link that names a page, not an action, leaves the title to the
    sentence."""
    _, entry = imported(
        tmp_path, "# LNK1000 when you link\n\n## Symptoms\n\n> LINK : fatal error LNK1000: "
        "unknown error at 000000013FA24241\n\n## Cause\n\nThe linker mishandles import "
        "objects.\n\n## Resolution 1\n\nThe following file is available from the Download "
        "Center:  \n[Download the hotfix package now](https://download.example.org/kb.exe)\n"
        "\nFor more information, see [Support files](https://support.example.org/files).\n\n"
        "## Resolution 2\n\nThe setting is described in the reference:\\\n"
        "[The /WHOLEARCHIVE switch](https://learn.example.org/wholearchive)\n")
    assert [f["title"] for f in entry["causes"][0]["fixes"]] == [
        "Download the hotfix package now",
        "The setting is described in the reference: The /WHOLEARCHIVE switch"]


def test_a_fix_in_a_cause_text_is_titled_by_what_to_do(tmp_path: Path) -> None:
    """A cause's text that ends in its fix ("To resolve the issue, turn the extension on.")
    titles the fix without the words that only announce it ("To resolve the error issue,
    consider to")."""
    _, entry = imported(
        tmp_path, "# The agent can't take control\n\n## Symptoms\n\n> Failed to assume "
        "control of the browser window.\n\n## Cause 1: The browser runs as another user\n\n"
        "The browser was started by another account.\n\nTo resolve the issue, ensure that the "
        "browser runs as the agent's user.\n\n## Cause 2: The extension is off\n\nThe "
        "extension is turned off.\n\nTo resolve the issue, turn the extension on.\n\n## Cause "
        "3: The service ticket is old\n\nThe ticket was issued before the change.\n\nTo "
        "resolve the error issue, consider to implement the following tests:\n\n1. Renew "
        "the ticket.\n")
    assert [c["fixes"][0]["title"] for c in entry["causes"]] == [
        "Ensure that the browser runs as the agent's user", "Turn the extension on",
        "Implement the following tests"]


CAUSES_LISTED = """# Error 0x80090022 when the renewal fails

The renewal fails, and the log says:

```output
450.219.0: Provider could not perform the action since the context was acquired as silent.
```

Here are the possible causes of the issue:

- A misleading error is reported on the client where the renewal takes place.

    The client shows the first error of the log, not the one that counts.

- Unsupported validity or renewal period in certificate templates for clients.

## A misleading error is reported on the client where the renewal takes place

The relevant error is another one, reported earlier in the log.

1. Open the ports between the enrollment service and the CA.

## Unsupported validity period or renewal period in the certificate template for clients

To resolve the issue, set the validity period to at least five days.
"""


def test_headings_the_text_lists_as_possible_causes_are_causes_of_one_error(
        tmp_path: Path) -> None:
    """"Here are the possible causes of the issue:" and a list whose items name the headings
    that follow (in nearly the same words; an item's later paragraphs are not its name):
    one entry, a cause per heading (its anchor kept, its words the cause's title), and the
    list, which the entry's page
    gives again, not in the intro; so too for a list without blank lines. A list whose
    items name no heading changes nothing."""
    tight = CAUSES_LISTED.replace(
        "place.\n\n    The client shows the first error of the log, not the one that counts."
        "\n\n", "place.\n")
    assert tight != CAUSES_LISTED
    for name, text in (("tight", tight), ("loose", CAUSES_LISTED)):
        repo, entry = imported(tmp_path / name, text)
        assert [(c["id"], c["fixes"][0]["title"]) for c in entry["causes"]] == [
            ("a-misleading-error-is-reported-on-the-client-where-the-renewal-takes-place",
             "Open the ports between the enrollment service and the CA"),
            ("unsupported-validity-period-or-renewal-period-in-the-certificate-template-for-"
             "clients", "Set the validity period to at least five days")], name
        # Each heading names its cause (the title is no sentence of the cause's text).
        assert [c["title"] for c in entry["causes"]] == [
            "A misleading error is reported on the client where the renewal takes place",
            "Unsupported validity period or renewal period in the certificate template for "
            "clients"], name
        assert entry["messages"] == [
            "450.219.0: Provider could not perform the action since the context was "
            "acquired as silent."]
        assert sorted(p.name for p in (repo / "catalogue" / "t1").glob("*.yml")) == [
            "_topic.yml", "t1.yml"]
        intro = load(repo / "catalogue" / "t1" / "_topic.yml")["intro"]
        assert "possible causes" not in intro and "one that counts" not in intro
        assert "log says" in intro
    unlisted = CAUSES_LISTED.replace(
        "- A misleading error is reported on the client where the renewal takes place.",
        "- The certificate of the enrollment service has expired.")
    repo, _, _ = run_import(tmp_path / "unlisted", unlisted)
    topic = load(repo / "catalogue" / "t1" / "_topic.yml")
    assert "possible causes" in topic["intro"]
    assert "t1.yml" not in {p.name for p in (repo / "catalogue" / "t1").glob("*.yml")}


def test_a_list_item_that_only_leads_to_the_steps_is_no_step(tmp_path: Path) -> None:
    """"- To resolve this issue, follow these steps:" over the numbered steps only leads to
    them: the steps are the numbered ones, and the first of them titles the fix."""
    _, entry = imported(
        tmp_path, "# Sign-in fails\n\n## Symptoms\n\n> AADSTS50107: The requested federation "
        "realm object does not exist.\n\n## Cause\n\nThe issuer differs.\n\n## Resolution"
        "\n\n- To resolve this issue, follow these steps:\n1. Match the issuer in the "
        "provider.\n1. Save the trust.\n")
    [fix] = entry["causes"][0]["fixes"]
    assert (fix["title"], fix["steps"]) == (
        "Match the issuer in the provider", ["Match the issuer in the provider.",
                                             "Save the trust."])


def test_headings_kept_in_a_cause_go_below_its_fixes(tmp_path: Path) -> None:
    """A heading kept in a cause's text ("### Verifying the issue" under "## Cause 1: …")
    goes deeper than the cause (h3 on the page) and its fixes (h4), keeping its anchor and
    the order of levels under it; one kept in the symptoms stays below the entry (h2)."""
    repo, entry = imported(
        tmp_path, "# The agent can't take control\n\n## Symptoms\n\n> Failed to assume "
        "control of the browser window.\n\n### Scenario 1\n\nThe flow stops.\n\n"
        "## Cause 1: The browser runs as another user\n\nThe browser was started by another "
        "account.\n\n### Verifying the issue\n\nOpen the task manager.\n\n#### In Windows 10"
        "\n\nSelect **Details**.\n\n## Resolution 1\n\n1. Start the browser as the agent's "
        "user.\n\n## Cause 2: The extension is off\n\nThe extension is turned off.\n\n"
        "## Resolution 2\n\n1. Turn the extension on.\n")
    text = entry["causes"][0]["description"]
    assert "\n##### Verifying the issue { #verifying-the-issue }\n" in text
    assert "\n###### In Windows 10 { #in-windows-10 }\n" in text
    assert "### Scenario 1 { #scenario-1 }" in entry["summary"]
    assert "#### Scenario" not in entry["summary"]
    assert kb("check", "--strict", cwd=repo).code == 0


def test_titles_carry_no_emphasis_marks(tmp_path: Path) -> None:
    """Titles are plain text: `*x*` (also inside a word) and `_x_` lose their marks, as the
    page would show them; an underscore inside a name stays."""
    _, entry = imported(
        tmp_path, "# Renewal fails\n\n## Symptoms\n\n> The renewal failed with error "
        "0x80090022.\n\n## Cause: The krbtgt_*0001* account was removed\n\nThe account is "
        "gone.\n\n## Resolution\n\nCheck the *secpol.msc* settings of ERROR_LOGON_FAILURE "
        "and _krbtgt_ first.\n\n1. Restore the account.\n")
    cause = entry["causes"][0]
    assert (cause["title"], cause["fixes"][0]["title"]) == (
        "The krbtgt_0001 account was removed",
        "Check the secpol.msc settings of ERROR_LOGON_FAILURE and krbtgt first")


def test_windows_error_codes_are_codes(tmp_path: Path) -> None:
    """A Windows error code (0x80090022, 0x8009030E) in the title or a message is one of the
    entry's codes, so that a log with the code alone finds it."""
    repo, entry = imported(
        tmp_path, "# Renewal fails with error 0x80090022\n\n## Symptoms\n\n> The renewal "
        "request failed with status 0x8009030E.\n\n## Cause\n\nThe key is silent.\n\n"
        "## Resolution\n\n1. Renew the certificate by hand.\n")
    assert entry["codes"] == ["0x80090022", "0x8009030e"]
    run = kb("lookup", "--json", "certreq: 0x80090022 (-2146893790 NTE_SILENT_CONTEXT)",
             cwd=repo)
    assert [(r["entry"], r["kind"]) for r in json.loads(run.stdout)["results"]] == [
        ("t1", "code")]


def test_a_link_address_with_parentheses_is_read_whole(tmp_path: Path) -> None:
    """`dd379542(v=ws.10)`: parentheses in pairs belong to the address, as CommonMark reads
    it; the link keeps its whole address, or (without --base-url) its whole text."""
    article = tmp_path / "article.md"
    article.write_text(
        "# Replication fails\n\n## Symptoms\n\n> Replication failed with status 1450.\n\n"
        "## Cause\n\nThe object was deleted.\n\n## Resolution\n\n1. Enable the [Recycle Bin]"
        "(/previous-versions/dd379542(v=ws.10)) feature.\n")
    for options, step in (
            ([], "Enable the Recycle Bin feature."),
            (["--base-url", "https://learn.example.org/docs/"], "Enable the [Recycle Bin]"
             "(https://learn.example.org/previous-versions/dd379542(v=ws.10)) feature.")):
        repo = shapes_repo(tmp_path / str(len(options)))
        run = kb("import", "docfx", str(article), "--topic", "t1", *options, cwd=repo)
        assert run.code == 0, run.stderr
        fix = load(repo / "catalogue" / "t1" / "t1.yml")["causes"][0]["fixes"][0]
        assert (fix["title"], fix["steps"]) == ("Enable the Recycle Bin feature", [step])


def test_a_cause_the_article_gives_no_fix_is_reported(tmp_path: Path) -> None:
    """A cause needs a fix: where the article gives none, the import says which text it
    took, so that no fix is made up without a word."""
    _repo, article, run = run_import(
        tmp_path, "# Error 42 occurs\n\n## Symptoms\n\n> Error 42: The thing failed.\n\n"
        "## Cause\n\nThe thing is broken.\n\nThe second paragraph explains more.\n",
        "no-fix.md")
    assert f"{article}:11:1: warning: cause 'Cause': the article gives this cause no fix; its " \
        "last paragraph became the fix's step; write the fix (or turn the entry into one " \
        "that names no cause)" in run.stderr.splitlines()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared DocFX corpus is not present")
def test_corpus_articles_pass_check_strict(tmp_path: Path) -> None:
    """Each article is imported into a repository of its own; the topics imported are then
    checked together, in one more repository (one check instead of one per article), and
    each problem counts against the topic whose file it is reported in. A problem that
    names another imported topic's file is between two articles (an entry id both use, a
    message both have), which a catalogue of either alone does not have: not counted. A
    problem no topic's file has fails the test."""
    articles = sorted(p for folder in CORPUS_FOLDERS for p in (CORPUS / folder).glob("*.md"))

    def repository(name: str) -> Path:
        repo = tmp_path / name
        shutil.copytree(MINIMAL, repo)
        shutil.rmtree(repo / "catalogue" / "demo")
        shutil.copy(ROOT / "catalogue" / "products.yml", repo / "catalogue" / "products.yml")
        (repo / "content" / "index.md").write_text("# Home\n\nImported.\n")
        return repo

    together = repository("together")
    topics: dict[str, str] = {}  # topic folder -> the article imported into it
    refused = []
    for index, article in enumerate(articles):
        repo, topic = repository(f"r{index}"), f"t{index}"
        run = kb("import", "docfx", str(article), "--topic", topic, cwd=repo)
        assert "Traceback" not in run.stderr
        if run.code != 0:
            assert not (repo / "catalogue" / topic).exists()  # never half a topic
            refused.append(article.name)
            continue
        text = "".join(p.read_text() for p in (repo / "catalogue" / topic).glob("*.yml"))
        assert "Resolve the error" not in text
        topics[topic] = article.name
        shutil.copytree(repo / "catalogue" / topic, together / "catalogue" / topic)
    assert topics
    check = kb("check", "--strict", cwd=together)
    assert "Traceback" not in check.stderr
    problems = [line for line in check.stderr.splitlines()
                if ": error: " in line or ": warning: " in line]
    assert (check.code == 0) == (problems == []), check.stderr
    unplaced = [line for line in problems if line.split("/")[:2][-1] not in topics]
    assert unplaced == []
    own = [line for line in problems
           if set(re.findall(r"catalogue/(t\d+)/", line)) == {line.split("/")[1]}]
    failed = refused + sorted({topics[line.split("/")[1]] for line in own})
    assert len(failed) <= len(articles) * 0.05, (failed, own)
