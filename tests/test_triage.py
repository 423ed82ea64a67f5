"""`kb triage`: scripted with --answers, and interactive in a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.helpers_cli import disk_full_applies_to, fixture_repo, kb

WALK = FIXTURES / "tree" / "walk"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_repo(tmp_path_factory.mktemp("triage"), WALK)


def test_answers_walk_to_the_fix(repo: Path) -> None:
    run = kb("triage", "--version", "demo-3", "--answers", "2,3,1,1", cwd=repo)
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == """\
Troubleshooter for Demo 3 (demo-3)

1. Which message do you see?
   Service ‹name› failed to start
2. Does the log say address already in use?
   I can't find the log
3. Is the demo installed as a system service?
   Yes
4. Did you edit demo.conf since the last start?
   Yes

Likely cause: The configuration has an error
For the error: The service doesn't start
https://demo.example.org/demo-3/demo/#config

Check the configuration

1. Run demo check-config.
2. Fix the line it names, then start the demo again.

This fix on the site (https://demo.example.org/demo-3/demo/#config-check-the-configuration)

Replay: kb triage --version demo-3 --answers 2,3,1,1
On the site: https://demo.example.org/demo-3/troubleshooter/#/service-down/no-log/yes/yes
"""


def test_the_same_answers_follow_each_version(repo: Path) -> None:
    # demo-1 has neither the "Yes" answer of the authored question nor the temp-files cause.
    older = kb("triage", "--version", "demo-1", "--answers", "2,1", cwd=repo)
    assert older.code == 0
    assert "Likely cause: The configuration has an error" in older.stdout
    assert "2. Did you edit demo.conf since the last start?\n   Yes\n" in older.stdout
    disk = kb("triage", "--version", "demo-1", "--answers", "1,2", cwd=repo)
    assert "This guide doesn't cover your case of: The disk is full" in disk.stdout
    assert "Run demo clean" not in kb("triage", "--version", "demo-1", "--answers", "1,1",
                                      cwd=repo).stdout
    assert "3. Run demo clean to compress the rest." in kb(
        "triage", "--version", "latest", "--answers", "1,1", cwd=repo).stdout


def test_not_covered_lists_the_causes_and_takes_one_more_answer(repo: Path) -> None:
    run = kb("triage", "--version", "demo-3", "--answers", "1,2,2", cwd=repo)
    assert run.code == 0
    assert run.stdout.endswith("""\
This guide doesn't cover your case of: The disk is full
https://demo.example.org/demo-3/demo/#disk-full

If you weren't sure of an answer, read a cause anyway; the causes known for this error:
  1. Old logs fill the disk
  2. Temporary files fill the disk

Replay: kb triage --version demo-3 --answers 1,2,2
On the site: https://demo.example.org/demo-3/troubleshooter/#/disk-full/no/no
""")
    read = kb("triage", "--version", "demo-3", "--answers", "1,2,2,2", cwd=repo)
    assert "Likely cause: Temporary files fill the disk" in read.stdout
    noted = kb("triage", "--version", "demo-3", "--answers", "2,3,2", cwd=repo)
    assert "Install the demo as a system service first; it then writes a log." in noted.stdout


def test_answers_that_stop_early_print_the_pending_question(repo: Path) -> None:
    run = kb("triage", "--version", "demo-3", "--answers", "2", cwd=repo)
    assert run.code == 3
    assert run.stdout == """\
1. Which message do you see?
   Service ‹name› failed to start

Does the log say address already in use?
The log is demo.log in the data folder (https://demo.example.org/demo-3/demo/#errors).
  1. Yes
  2. No
  3. I can't find the log
"""
    assert run.stderr == \
        "kb triage: more answers needed; add the next one, e.g. --answers 2,N\n"
    first = kb("triage", cwd=repo)
    assert first.code == 3
    assert first.stdout == """\
Which message do you see?
  1. No space left on device
  2. Service ‹name› failed to start
     Exit code 3 </script><b>not bold</b>
  3. My message isn't in this list
"""


def test_message_picks_the_first_answer(repo: Path) -> None:
    run = kb("triage", "--message", "Service web failed to start", "--answers", "2,1",
             cwd=repo)
    assert run.code == 0 and "Replay: kb triage --version demo-3 --answers 2,2,1" in run.stdout
    none = kb("triage", "--message", "segfault", cwd=repo)
    assert (none.code, none.stderr) == (2, "kb triage: error: no message of Demo 3 matches "
                                           "'segfault', nor of any other version; run kb "
                                           "triage without --message to see them all\n")
    several = kb("triage", "--message", "o", cwd=repo)
    assert several.code == 2
    assert several.stderr.startswith("kb triage: error: 2 messages match 'o': No space left")


def test_a_message_of_other_versions_only_names_them(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader on a version whose tree lacks the message learns which versions have it."""
    repo = fixture_repo(tmp_path, WALK)
    disk_full_applies_to(repo, ">= demo-2")
    run = kb("triage", "--version", "demo-1", "--message", "No space left on device",
             cwd=repo)
    assert (run.code, run.stderr) == (2, "kb triage: error: no message of Demo 1 matches "
                                         "'No space left on device'; messages of Demo 2 "
                                         "(demo-2), Demo 3 (demo-3) do: choose one with "
                                         "--version; run kb triage without --message to see "
                                         "them all\n")
    monkeypatch.setenv("KB_JOBS", "2")  # the versions looked in by several processes
    assert kb("triage", "--version", "demo-1", "--message", "No space left on device",
              cwd=repo) == run
    there = kb("triage", "--version", "demo-2", "--message", "No space left on device",
               "--no-input", cwd=repo)
    assert there.code == 3  # the message answered the first question; the next waits
    assert there.stdout.startswith("1. Which message do you see?\n   No space left on device\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--answers", "1,x"], "--answers takes answer numbers separated by commas, such as "
                           "1,2,1; found 'x'"),
    (["--answers", "4"], "answer 1 of --answers is 4, but the question 'Which message do you "
                         "see?' has 3 answers: 1 = No space left on device; 2 = Service "
                         "‹name› failed to start; 3 = My message isn't in this list"),
    (["--answers", "1,1,1"], "answer 3 of --answers (1) comes after the end of the walk"),
    (["--version", "demo2"], "unknown version 'demo2'; did you mean 'demo-2'?"),
    # Another number is another version, not a typo: no neighbour is guessed.
    (["--version", "demo-4"], "unknown version 'demo-4'; the versions are, oldest first: "
                              "demo-1, demo-2, demo-3"),
])
def test_wrong_arguments(repo: Path, args: list[str], message: str) -> None:
    run = kb("triage", *args, cwd=repo)
    assert (run.code, run.stdout, run.stderr) == (2, "", f"kb triage: error: {message}\n")


def test_a_wrong_answer_among_many_counts_them_instead_of_naming_them(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    for n in range(12):
        (repo / "catalogue" / "demo" / f"many-{n}.yml").write_text(
            f"id: many-{n}\ntitle: Failure number {n}\nmessages:\n  - \"Failure number {n} "
            f"happened\"\ncauses:\n  - id: many-{n}-cause\n    title: Cause {n}\n    fixes:\n"
            f"      - title: Fix {n}\n        steps: [\"Do {n}.\"]\n")
    assert kb("check", cwd=repo).code == 0
    run = kb("triage", "--version", "demo-1", "--answers", "99", cwd=repo)
    assert (run.code, run.stderr) == (
        2, "kb triage: error: answer 1 of --answers is 99, but the question 'Which message do "
           "you see?' has 14 answers: 1 to 14; without --answers, kb triage lists them (and "
           "--message TEXT picks a message by its words)\n")


def test_a_version_without_tree(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    topic = repo / "catalogue" / "demo" / "_topic.yml"
    topic.write_text(topic.read_text() + 'applies_to: ">= demo-2"\n')
    (repo / "content" / "index.md").write_text("# Demo\n\nErrors of the demo product.\n")
    run = kb("triage", "--version", "demo-1", cwd=repo)
    assert (run.code, run.stdout) == (1, "")
    assert run.stderr == (
        "kb triage: no decision tree for Demo 1\n"
        "  Troubleshoot the demo: no decision tree for Demo 1; this topic covers Demo 2 to "
        "Demo 3.\n")


def test_an_invalid_catalogue_prints_diagnostics_not_a_traceback(tmp_path: Path) -> None:
    run = kb("triage", cwd=fixture_repo(tmp_path, FIXTURES / "tree" / "cycle"))
    assert run.code == 1
    assert "error: node 'quota': answer 1 ('Yes') leads back to node 'share'" in run.stderr
    assert "Traceback" not in run.stderr


# The shipped knowledge base (its snapshot): the seed's errors reach their causes and fixes.
# The message picks the error (its place in the list changes as the catalogue grows).
PRIVILEGES = "Insufficient privileges to complete the operation."
SEED = [
    (PRIVILEGES, "1", "The user has only guest permission in the directory",
     "Set Guest user permissions are limited to No."),
    (PRIVILEGES, "2,1", "The user is not authorized to add applications in the directory",
     "set Users can register applications to Yes."),
    ("Failed to obtain an access token", "1", "Your sign-in session has expired",
     "Sign in with the right credentials."),
    ("Failed to assign Contributor role", "1",
     "You don't have Write permission on the subscription",
     "Once the role is assigned, create the service connection again."),
]


@pytest.mark.parametrize(("message", "answers", "cause", "step"), SEED)
@pytest.mark.parametrize("version", ["tfs-2015", "tfs-2018", "azure-devops"])
def test_shipped_seed_errors(version: str, message: str, answers: str, cause: str,
                             step: str, snapshot_repo: Path) -> None:
    run = kb("triage", "--version", version, "--message", message, "--answers", answers,
             "--no-input", cwd=snapshot_repo)
    assert run.code == 0, run.stderr
    assert f"Likely cause: {cause}\n" in run.stdout
    assert step in run.stdout
    directory = "Microsoft Entra ID" if version == "azure-devops" else "Azure Active Directory"
    if message == PRIVILEGES:
        assert f"Select {directory} in the left navigation bar." in run.stdout
    manual = "Create the service principal manually" in run.stdout
    assert manual is (message == PRIVILEGES and answers == "2,1" and version != "azure-devops")


# ---------------------------------------------------------------------------
# Interactive: a real pseudo-terminal, keys as a person types them.
# ---------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
UP, DOWN, LEFT = "\x1b[A", "\x1b[B", "\x1b[D"


class Session:
    """`kb triage` on a pseudo-terminal of 100 x 40 characters."""

    def __init__(self, cwd: Path, *args: str):
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes kb
            os.chdir(cwd)
            env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
            env.pop("NO_COLOR", None)
            env.pop("COLUMNS", None)
            os.execve(sys.executable, [sys.executable, "-m", "generator", "triage", *args], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.output = ""

    def read(self, timeout: float = 0.2) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.output += chunk.decode("utf-8", "replace")
        return bool(chunk)

    def expect(self, text: str, timeout: float = 30) -> str:
        """Wait until `text` is on the screen (ANSI codes aside); return that screen."""
        deadline = time.monotonic() + timeout
        while text not in self.screen():
            assert time.monotonic() < deadline, f"never saw {text!r} in:\n{self.screen()}"
            assert self.read(), f"kb ended before {text!r}:\n{self.screen()}"
        return self.screen()

    def plain(self) -> str:
        return ANSI.sub("", self.output).replace("\r", "")

    def screen(self) -> str:
        """What is drawn since the screen was last cleared."""
        return ANSI.sub("", self.output.rsplit("\x1b[2J", 1)[-1]).replace("\r", "")

    def send(self, keys: str) -> None:
        self.output = ""
        os.write(self.fd, keys.encode())

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.read() and time.monotonic() < deadline:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_interactive_numbers_back_and_quit_at_the_end(repo: Path) -> None:
    term = Session(repo, "--version", "demo-3")
    screen = term.expect("3. My message isn't in this list")
    assert "Which message do you see?" in screen and "› " in screen
    term.send("2")  # one key: there is no answer 20
    term.expect("Does the log say address already in use?")
    term.send("b")
    screen = term.expect("your earlier answer")
    assert "Which message do you see?" in screen
    term.send("\r")  # the highlighted answer is the earlier one
    term.expect("3. I can't find the log")
    term.send("31")
    term.expect("Did you edit demo.conf since the last start?")
    term.send("1")
    screen = term.expect("q or Enter quit")
    assert "Likely cause: The configuration has an error" in screen
    assert "Replay: kb triage --version demo-3 --answers 2,3,1,1" in screen
    term.send("q")
    assert term.finish() == 0
    assert "\x1b[?1049l" in term.output or term.output == ""  # the normal screen is back


def test_interactive_arrow_keys_restart_and_quit_midway(repo: Path) -> None:
    term = Session(repo, "--version", "demo-2")
    term.expect("Which message do you see?")
    term.send(DOWN)
    screen = term.expect("›  2. Service ‹name› failed to start")
    term.send(UP + DOWN + "\r")
    term.expect("Does the log say address already in use?")
    term.send(DOWN + "\r")
    screen = term.expect("Did you edit demo.conf since the last start?")
    assert "✓ Does the log say address already in use? No" in screen
    term.send(LEFT)
    term.expect("›  2. No  (your earlier answer)")
    term.send("r")
    screen = term.expect("Which message do you see?")
    assert "✓" not in screen
    term.send("q")
    assert term.finish() == 3
    assert "kb triage: stopped before the end" in term.plain()


def test_interactive_filter_and_going_back_from_the_end(repo: Path) -> None:
    term = Session(repo, "--version", "demo-3")
    term.expect("Which message do you see?")
    term.send("/space")
    screen = term.expect("(1 of 2 match)")
    assert "Service ‹name›" not in screen
    term.send("\r")
    term.expect("Does the log folder hold more than 1 GB?")
    term.send("1")
    term.expect("Likely cause: Old logs fill the disk")
    term.send("b")  # back from the end, to the question before it
    term.expect("Does the log folder hold more than 1 GB?")
    term.send("2")
    term.expect("Is the temporary folder larger than 10 GB?")
    term.send("2")
    screen = term.expect("1-2 read a cause")
    assert "This guide doesn't cover your case of: The disk is full" in screen
    term.send("2")
    term.expect("Likely cause: Temporary files fill the disk")
    term.send("\r")
    assert term.finish() == 0


def test_interactive_continues_after_scripted_answers(repo: Path) -> None:
    term = Session(repo, "--version", "demo-3", "--answers", "2,2")
    screen = term.expect("Did you edit demo.conf since the last start?")
    assert "✓ Which message do you see? Service ‹name› failed to start" in screen
    term.send("\x04")  # Ctrl-D leaves, as q does
    assert term.finish() == 3


def test_topics_kept_by_a_triage_are_read_again_once_edited(tmp_path: Path) -> None:
    """kb triage keeps each topic folder as validated where kb build keeps them (both check
    alike), and the next run takes it from there while the folder is unchanged: an edited
    step shows in the next walk."""
    repo = fixture_repo(tmp_path, WALK)
    answers = ["triage", "--version", "demo-3", "--answers", "2,3,1,1"]
    first = kb(*answers, cwd=repo)
    assert first.code == 0 and "1. Run demo check-config." in first.stdout
    assert sorted((repo / "build" / "cache" / "topics").glob("*.pickle"))
    assert kb(*answers, cwd=repo).stdout == first.stdout
    edited = next(path for path in (repo / "catalogue").rglob("*.yml")
                  if "Run `demo check-config`." in path.read_text())
    edited.write_text(edited.read_text().replace("Run `demo check-config`.",
                                                 "Run `demo check-config --all`."))
    again = kb(*answers, cwd=repo)
    assert again.code == 0 and "1. Run demo check-config --all." in again.stdout
    # kb build takes the topics as the triage left them, and the triage as the build did.
    assert kb("build", cwd=repo).code == 0
    assert kb(*answers, cwd=repo).stdout == again.stdout
