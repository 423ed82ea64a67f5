"""The repository as CI sees it: the code passes ruff and strict mypy, the shipped catalogue
passes `kb check --strict`, its JSON Schemas and field reference are current, and the shipped
site has no link problem under `kb check-links --strict`.

These are the checks `./dev test` ran before its tests; as tests they run beside the others
on every core, and `./dev test -k …` can leave them out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers_cli import kb

BIN = Path(sys.executable).parent


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)


def test_the_code_passes_ruff() -> None:
    run = tool("ruff", "check", "generator", "tests", "bench")
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_generator_passes_strict_mypy() -> None:
    run = tool("mypy", "generator")
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_shipped_catalogue_passes_the_strict_check() -> None:
    run = kb("check", "--strict", cwd=ROOT)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr


def test_the_schemas_and_the_field_reference_are_current() -> None:
    run = kb("schema", "--check", cwd=ROOT)
    assert run.code == 0, run.stderr


@pytest.mark.e2e
def test_the_shipped_site_has_no_link_problem(shipped_site: Path) -> None:
    """The shipped catalogue built as it ships (by MkDocs). Zensical's build of the same
    knowledge base passes the same check: test_engines_site.py, on the snapshot."""
    site = shipped_site
    run = kb("check-links", "--strict", str(site), cwd=site.parent)
    assert run.code == 0, run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.endswith(": no problems\n"), run.stderr


def test_the_modules_kept_on_one_worker_exist() -> None:
    from tests.conftest import ONE_WORKER

    assert ONE_WORKER and all((ROOT / module).is_file() for module in ONE_WORKER)


def pytest_run(basetemp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a process of its own, as if started from a shell (not from a worker)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "--basetemp", str(basetemp), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)


def test_a_module_kept_on_one_worker_runs_there_and_the_suite_runs_without_workers(
        tmp_path: Path) -> None:
    module = "tests/fuzz/test_fuzz_lookup.py"
    run = pytest_run(tmp_path / "workers", "-n", "2", "--dist", "loadgroup", "-v", module)
    assert run.returncode == 0, run.stdout[-3000:]
    workers = re.findall(r"^\[(gw\d+)\] \[ *\d+%\] PASSED " + re.escape(module), run.stdout,
                         re.MULTILINE)
    assert len(workers) == 3 and len(set(workers)) == 1, run.stdout[-3000:]
    alone = pytest_run(tmp_path / "alone", "-p", "no:xdist", "--collect-only", "-q", module)
    assert alone.returncode == 0, alone.stdout[-3000:]


def test_the_benchmarks_build_on_every_core() -> None:
    """The benchmarks import helpers from the tests (a web server, the fixtures' paths);
    doing so leaves the environment as it was, so their builds use every core, as kb build
    does for its users, and not the one process per build the suite asks for."""
    code = ("import os, sys; sys.path[:0] = ['bench', '.']; "
            "import bench_scale, bench_check, bench_search, tests.helpers_cli; "
            "from generator.core.parallel import default_jobs; "
            "print(os.environ.get('KB_JOBS'), default_jobs() == len(os.sched_getaffinity(0)))")
    env = {k: v for k, v in os.environ.items() if k != "KB_JOBS"}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stdout) == (0, "None True\n"), run.stderr


# A string `wait_for_function` takes as a function: an arrow function or `function …`.
FUNCTION = re.compile(r"\s*(async\s+)?(function\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)")


def waits_without_a_function(sources: list[Path]) -> list[str]:
    """The `wait_for_function` calls among `sources` whose JavaScript is an expression, not
    a function, as `file:line`; a name stands for the string its module binds it to at its
    top level, else the one another module of `sources` does (it was imported from there)."""
    import ast

    def bound(tree: ast.Module) -> dict[str, str]:
        return {target.id: node.value.value for node in tree.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                for target in node.targets if isinstance(target, ast.Name)}

    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sources}
    everywhere = {name: text for tree in trees.values() for name, text in bound(tree).items()}
    found = []
    for path, tree in trees.items():
        strings = {**everywhere, **bound(tree)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "wait_for_function" and node.args:
                script = node.args[0]
                text = script.value if isinstance(script, ast.Constant) else \
                    strings.get(script.id) if isinstance(script, ast.Name) else None
                if not isinstance(text, str) or not FUNCTION.match(text):
                    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    found.append(f"{where}:{node.lineno}")
    return found


def test_browser_waits_take_a_function() -> None:
    """Playwright polls `wait_for_function`'s JavaScript with `eval` when it is an expression
    (once at once, then on every frame until true); the built pages' Content-Security-Policy
    refuses `eval` outside the first poll, so a wait that is not over at once fails with an
    EvalError. A function is evaluated once and then called: every wait is one."""
    sources = sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").glob("*.py")])
    assert waits_without_a_function(sources) == []


def test_a_wait_on_an_expression_is_found(tmp_path: Path) -> None:
    module = tmp_path / "test_waits.py"
    module.write_text("DONE = 'window.done === true'\nREADY = '() => window.ready'\n"
                      "page.wait_for_function(DONE)\npage.wait_for_function(READY)\n"
                      "page.wait_for_function('a => a.length', arg=[1])\n"
                      "page.wait_for_function('location.hash.length > 2')\n"
                      "page.wait_for_function(f'{DONE}')\n", encoding="utf-8")
    found = [line.rsplit(":", 1)[1] for line in waits_without_a_function([module])]
    assert found == ["3", "6", "7"]
