"""`synthgen respond --verify code` through the CLI: answers whose code passes the row's tests
are kept, the meta line says how each run went, pass@k and the unsolved file as for math;
every escape attempt a teacher's answer makes is contained and leaves nothing behind."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import MockServer, read_jsonl, run_cli
from sandbox_helpers import is_root, sandbox_or_skip, without_network_namespaces

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "seeds" / "code_problems.jsonl"
ROWS = [json.loads(line) for line in PROBLEMS.read_text().splitlines()]

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(autouse=True, scope="module")
def _sandbox() -> None:
    sandbox_or_skip()


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _meta(out: Path) -> list[dict[str, Any]]:
    return read_jsonl(out.with_name(out.name + ".meta.jsonl"))


def test_every_bundled_problem_is_solved_by_the_mock_teacher(tmp_path: Path) -> None:
    out = tmp_path / "code.jsonl"
    result = run_cli("respond", PROBLEMS, "--teacher", "mock", "--verify", "code", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)) == len(ROWS)
    meta = _meta(out)
    assert all(m["verified"] and m["tests_passed"] == m["tests_total"] > 0 for m in meta)
    assert all(m["first_failure"] is None and m["run_seconds"] > 0 for m in meta)
    metrics = _report(out)["last_run"]["counts"]["metrics"]
    assert metrics["code_runs"] == metrics["code_passed"] == len(ROWS)
    assert metrics["pass@1_sum"] == len(ROWS)


def test_wrong_and_faulty_answers_are_rejected_with_their_reason(tmp_path: Path, mock_server: Any) -> None:
    """Over HTTP: wrong, hanging, crashing and flooding answers; --keep all writes every
    sample with its verdict, pass@k comes from them, unsolved rows go to OUT.unsolved.jsonl."""
    rows = _write(tmp_path / "in.jsonl", ROWS[:12])
    out = tmp_path / "out.jsonl"
    server = mock_server(
        "--wrong-answer-rate", "0.3", "--code-hang-rate", "0.15", "--code-crash-rate", "0.1",
        "--code-flood-rate", "0.1",
    )  # fmt: skip
    result = run_cli(
        "respond", rows, "--base-url", server.url, "--model", "m", "--verify", "code", "--samples", "3",
        "--keep", "all", "--verify-timeout", "0.5", "-o", out, "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    meta = _meta(out)
    assert len(meta) == 36
    failures = [m["first_failure"] for m in meta if not m["verified"]]
    assert any(f and f.startswith("timed out after 0.5 s") for f in failures)
    assert any(f and "RuntimeError: the mock teacher wrote code that crashes" in f for f in failures)
    assert any(f and "output limit" in f for f in failures)
    assert any(f and ("AssertionError" in f or "expected" in f) for f in failures)
    assert all(m["tests_passed"] == m["tests_total"] for m in meta if m["verified"])
    metrics = _report(out)["last_run"]["counts"]["metrics"]
    assert metrics["code_runs"] == 36 and metrics["code_timeout"] >= 1
    solved = {m["row"] for m in meta if m["verified"]}
    unsolved = read_jsonl(out.with_name("out.jsonl.unsolved.jsonl"))
    assert {r["id"] for r in unsolved} == {ROWS[i]["id"] for i in range(12) if i not in solved}
    assert metrics["rows_unsolved"] == len(unsolved)


def test_keep_all_correct_writes_passing_code_only_and_pairs_rank_it(
    tmp_path: Path, mock_server: Any
) -> None:
    rows = _write(tmp_path / "in.jsonl", ROWS[:10])
    server = mock_server("--wrong-answer-rate", "0.5")
    kept, everything = tmp_path / "kept.jsonl", tmp_path / "all.jsonl"
    common = ["--base-url", server.url, "--model", "m", "--verify", "code", "--samples", "2", "-q"]
    assert run_cli("respond", rows, *common, "-o", kept).exit_code == 0
    assert run_cli("respond", rows, *common, "--keep", "all", "-o", everything).exit_code == 0
    assert all(m["verified"] for m in _meta(kept))
    flags = [m["verified"] for m in _meta(everything)]
    assert len(read_jsonl(kept)) == sum(flags) and 0 < sum(flags) < len(flags)
    pairs = tmp_path / "pairs.jsonl"
    result = run_cli("pairs", everything, "--rank", "verified", "-o", pairs, "-q")
    assert result.exit_code == 0, result.output
    mixed = {m["row"] for m in _meta(everything) if m["verified"]} & {
        m["row"] for m in _meta(everything) if not m["verified"]
    }
    assert len(read_jsonl(pairs)) == len(mixed) > 0


ESCAPE_REASONS = {
    "network": "Network is unreachable",
    "env_key": "LookupError: no API key in sight",
    "write_outside": "Error",  # read-only file system, or no such directory
    "read_home": "FileNotFoundError",
    "fork_bomb": "timed out",
    "alloc_10gb": "MemoryError",
    "infinite_loop": "timed out",
    "print_1gb": "output limit",
    "background": "SystemExit: left a process behind",
    "delete_cwd": "FileNotFoundError",
}


def _leftovers(port: str) -> str:
    """Processes an escape answered by the server on ``port`` would have left: its fork bomb,
    its daemon (marked with the port: other test runs on this machine may be running theirs)."""
    pattern = f"synthgen-fork-bomb-{port}|synthgen-daemon-{port}"
    return subprocess.run(["pgrep", "-af", pattern], capture_output=True, text=True).stdout


@pytest.mark.parametrize("kind", sorted(ESCAPE_REASONS))
def test_an_escape_attempt_is_contained_and_the_run_goes_on(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-escape-4242"
    monkeypatch.setenv("ESCAPE_TEST_KEY", secret)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    work = tmp_path / "work"  # the mock server's (and the escape's target) working directory
    work.mkdir()
    (work / "precious.txt").write_text("keep me")
    rows = _write(tmp_path / "in.jsonl", [ROWS[0], ROWS[-1]])  # a function task, a stdin/stdout task
    out = tmp_path / "out" / "escape.jsonl"
    server = MockServer("--code-escape-rate", "1", "--code-escapes", kind, cwd=work)
    try:
        result = run_cli(
            "respond", rows, "--base-url", server.url, "--model", "m", "--api-key-env", "ESCAPE_TEST_KEY",
            "--verify", "code", "--keep", "all", "--verify-timeout", "1", "-o", out, "-q",
        )  # fmt: skip
        paths = set(server.stats()["requests"])
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    meta = _meta(out)
    assert [m["verified"] for m in meta] == [False, False]  # the run went on, past both
    assert all(ESCAPE_REASONS[kind] in (m["first_failure"] or "") for m in meta), meta
    assert "/escaped" not in paths and paths <= {"/v1/chat/completions", "/v1/models"}
    assert sorted(p.name for p in work.iterdir()) == ["precious.txt"]
    assert (work / "precious.txt").read_text() == "keep me"
    assert not Path("/var/tmp/synthgen-escaped.txt").exists()
    assert not (Path.home() / "synthgen-escaped.txt").exists()
    assert _leftovers(server.url.rsplit(":", 1)[1].split("/")[0]) == ""
    written = "".join(p.read_text(errors="replace") for p in out.parent.iterdir())
    assert secret not in written + result.output


HUMANEVAL = "def check(candidate):\n    assert candidate(1) == 1\n"


@pytest.mark.parametrize(
    ("row", "flags", "message"),
    [
        ({}, [], "in.jsonl:1: tests: tests required by --verify code"),
        ({"tests": "assert ("}, [], "in.jsonl:1: tests: not valid Python: line 1"),
        ({"tests": ["assert f(1) == 1", "assert ("]}, [], "in.jsonl:1: tests[1]: not valid Python"),
        ({"tests": [{"input": "1"}]}, [], 'in.jsonl:1: tests[0]: expected test code or an {"input", "output"}'),
        ({"tests": 7}, [], "in.jsonl:1: tests: expected Python test code, a list of tests or input/output"),
        ({"tests": "assert f(1) == 1"}, ["--entry-point", "g"],
         "in.jsonl:1: tests: the tests never use the entry point 'g' (--entry-point)"),
        ({"tests": HUMANEVAL}, [], "in.jsonl:1: tests: the tests define check(candidate) but the row names no"),
        ({"tests": HUMANEVAL, "entry_point": 3}, [], "in.jsonl:1: entry_point: expected a function name"),
        ({"check": HUMANEVAL, "fn": "f"}, ["--tests-field", "check", "--entry-point-field", "fn"], None),
    ],
)  # fmt: skip
def test_bad_tests_stop_the_run_before_any_request(
    row: dict[str, Any], flags: list[str], message: str | None, tmp_path: Path, mock_server: Any
) -> None:
    server = mock_server()
    source = _write(tmp_path / "in.jsonl", [{"instruction": "Write f.", **row}])
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "respond",
        source,
        "--base-url",
        server.url,
        "--model",
        "m",
        "--verify",
        "code",
        *flags,
        "-o",
        out,
        "-q",
    )
    if message is None:  # the fields named by the flags are read
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists() and server.stats()["requests_total"] == 0


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--entry-point", "f"], "--entry-point needs --verify code"),
        (["--verify", "code", "--entry-point", "no name"], "--entry-point"),
        (["--verify", "code", "--sandbox", "docker"], "--sandbox"),
        (["--verify", "code", "--judge-model", "j"], "--judge-model cannot be combined with --verify code"),
        (["--verify", "code", "--verify-timeout", "0"], "--verify-timeout"),
        (["--verify", "code", "--batch"], "--batch with --verify code is not supported yet"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(flags: list[str], message: str, tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", ROWS[:1])
    result = run_cli("respond", source, "--teacher", "mock", *flags, "-o", tmp_path / "out.jsonl", "-q")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not is_root(), reason="maps a user namespace's ids, which needs root")
def test_a_machine_without_network_namespaces_is_refused_unless_allowed(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", ROWS[:2])

    def respond(*flags: str) -> str:
        def body() -> str:
            out = tmp_path / f"out{len(flags)}.jsonl"
            result = run_cli(
                "respond", source, "--teacher", "mock", "--verify", "code", *flags, "-o", out, "-q"
            )
            return json.dumps([result.exit_code, result.output, out.exists()])

        return without_network_namespaces(body)

    code, output, written = json.loads(respond())
    assert code == 2 and not written
    assert output.strip().splitlines()[-1].startswith("synthgen: error: --sandbox process:")
    assert "--allow-network-unsandboxed" in output
    code, output, written = json.loads(respond("--allow-network-unsandboxed"))
    assert code == 0 and written, output


@pytest.mark.parametrize("keep", ["all", "all-correct"])
def test_a_run_stopped_by_its_budget_resumes_to_the_same_file(
    keep: str, tmp_path: Path, mock_server: Any
) -> None:
    rows = _write(tmp_path / "in.jsonl", ROWS[:8])
    server = mock_server("--wrong-answer-rate", "0.4")
    common = ["--base-url", server.url, "--model", "m", "--verify", "code", "--samples", "2", "--keep", keep,
              "-j", "2", "-q"]  # fmt: skip
    reference, out = tmp_path / "ref.jsonl", tmp_path / "out.jsonl"
    ref_cache, cache = (
        ["--cache-path", tmp_path / "ref.sqlite3"],
        ["--cache-path", tmp_path / "c.sqlite3"],
    )
    assert run_cli("respond", rows, *common, *ref_cache, "-o", reference).exit_code == 0
    first = run_cli("respond", rows, *common, *cache, "-o", out, "--max-requests", "7")
    assert first.exit_code == 3, first.output
    assert len(read_jsonl(out)) < len(read_jsonl(reference))
    assert run_cli("respond", rows, *common, *cache, "-o", out).exit_code == 0
    assert read_jsonl(out) == read_jsonl(reference)
    strip = ("request_id", "index", "run_seconds", "endpoint")
    assert [{k: v for k, v in m.items() if k not in strip} for m in _meta(out)] == [
        {k: v for k, v in m.items() if k not in strip} for m in _meta(reference)
    ]


def test_progress_shows_runs_done_running_pass_rate_and_timeouts() -> None:
    from types import SimpleNamespace

    from synthgen.engine.snapshot import Snapshot
    from synthgen.recipes.respond_code import SandboxGrader
    from synthgen.verify.sandbox import PoolStats

    grader = SandboxGrader(SimpleNamespace(stats=PoolStats(done=8, running=2, timeouts=1)))  # type: ignore[arg-type]
    grader.passed = 6
    figures = grader.figures(waiting=3)
    assert figures.label == "code"
    assert figures.line == "2 running  8 done  75% passed  1 timed out  3 answers awaiting results"
    plain = Snapshot(kept=5, review=figures).plain_figures()
    assert plain["code_runs"] == 8 and plain["code_passed"] == "75%" and plain["code_timeouts"] == 1
