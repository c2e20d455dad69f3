"""``--overwrite``: a fresh run. Its budgets count only its own usage; its files replace the old
ones when it ends, whatever stopped it, once it has written a row; until then (and when it
writes nothing) the old files stay as they were.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import read_jsonl, run_cli, run_in_process
from synthgen.io.logprobs_file import staging_path

ROOT = Path(__file__).resolve().parents[1]
MOCK = ("generate", "--teacher", "mock")


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _files(out: Path) -> dict[str, bytes]:
    """Every file beside ``out`` (hidden temporary twins included), by name."""
    return {
        p.name: p.read_bytes() for p in sorted(out.parent.iterdir()) if p.name.startswith((out.name, "."))
    }


def test_its_budgets_count_only_its_own_usage(tmp_path: Path) -> None:
    out, config = tmp_path / "a.jsonl", tmp_path / "prices.toml"
    config.write_text('[prices."mock"]\ninput = 1.0\noutput = 1.0\n', encoding="utf-8")
    assert run_cli(*MOCK, "-o", out, "--num", "300", "-q", "-c", config).exit_code == 0
    earlier = _report(out)["last_run"]["usage"]
    assert earlier["requests_sent"] > 3 and earlier["total_tokens"] > 20_000 and earlier["cost_usd"] > 0.02
    budgets = ("--max-requests", "3", "--max-total-tokens", "20000", "--max-cost", "0.02")
    fresh = run_cli(
        *MOCK, "-o", out, "--num", "30", "--seed", "4", "--overwrite", *budgets, "-q", "-c", config
    )
    assert fresh.exit_code == 0, fresh.output
    report = _report(out)
    assert len(read_jsonl(out)) == report["examples"] == 30
    assert (
        len(report["runs"]) == 1 and report["last_run"]["usage"]["requests_sent"] <= 3
    )  # a history of its own


def test_a_run_stopped_by_a_budget_replaces_the_old_files_with_what_it_kept(
    tmp_path: Path, mock_server: Any
) -> None:
    server = mock_server()
    out, cache = tmp_path / "a.jsonl", tmp_path / "c.sqlite3"
    base = (
        "generate",
        "--model",
        "mock",
        "--base-url",
        server.url,
        "-o",
        out,
        "--cache-path",
        cache,
        "-j",
        "4",
    )
    assert run_in_process(*base, "--num", "30", "-q").returncode == 0
    before = read_jsonl(out)
    stopped = run_in_process(*base, "--num", "500", "--seed", "9", "--overwrite", "--max-requests", "1")
    assert stopped.returncode == 3, stopped.stderr
    rows = read_jsonl(out)
    kept = _report(out)["last_run"]["counts"]["kept"]
    assert 0 < len(rows) == kept and rows != before[: len(rows)]
    assert f"kept {kept} new examples; {kept} in {out}" in stopped.stderr  # the summary is true
    assert len(read_jsonl(out.with_name("a.jsonl.meta.jsonl"))) == kept
    assert f"{kept} rows" in out.with_name("a.jsonl.card.md").read_text()  # the card is the new file's
    assert not list(tmp_path.glob(".a.jsonl*"))  # no temporary twins left
    # what it kept is a run like any other: rerun without --overwrite to continue it
    go_on = run_in_process(*base, "--num", "40", "--seed", "9", "-q")
    assert go_on.returncode == 0, go_on.stderr
    assert read_jsonl(out)[:kept] == rows and len(read_jsonl(out)) == 40


def test_a_run_that_writes_nothing_keeps_the_old_files_as_they_were(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server(error_rate_500=1.0)
    out = tmp_path / "a.jsonl"
    assert run_cli(*MOCK, "-o", out, "--num", "20", "-q").exit_code == 0
    before = _files(out)
    failing = ("--model", "mock", "--base-url", server.url, "--no-cache")
    limits = ("--max-retries", "0", "--max-consecutive-failures", "2")
    result = run_in_process("generate", *failing, *limits, "-o", out, "--overwrite", "--num", "20")
    assert result.returncode == 3, result.stderr
    assert "this --overwrite run wrote no row; the old files are kept as they were" in result.stderr
    assert _files(out) == before  # data, meta, report and card: byte for byte, no twin left


def test_soft_targets_follow_the_rows_that_replaced_the_old_ones(tmp_path: Path) -> None:
    """The Parquet file is replaced with the rows, and its stream kept for the run that continues."""
    source, out = tmp_path / "math.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(line + "\n" for line in (ROOT / "seeds" / "math_word_problems.jsonl")
                              .read_text(encoding="utf-8").splitlines()[:30]), encoding="utf-8")  # fmt: skip
    args = ["respond", source, "--teacher", "mock", "-o", out, "-q", "--logprobs", "2"]
    assert run_cli(*args).exit_code == 0
    stopped = run_cli(*args, "--overwrite", "--seed", "5", "--max-requests", "10")
    assert stopped.exit_code == 3, stopped.output
    import pyarrow.parquet as pq

    parquet = out.with_name("out.jsonl.logprobs.parquet")
    assert pq.read_table(parquet).num_rows == len(read_jsonl(out)) == 10 and staging_path(out).exists()
    assert run_cli(*args, "--seed", "5").exit_code == 0  # continued without --overwrite
    assert pq.read_table(parquet).num_rows == len(read_jsonl(out)) == 30 and not staging_path(out).exists()


def test_a_batch_pass_still_waiting_keeps_the_old_files_until_the_run_ends(tmp_path: Path) -> None:
    source, out = ROOT / "seeds" / "seed_tasks.jsonl", tmp_path / "out.jsonl"
    args = ["respond", source, "--teacher", "mock", "-o", out, "-q", "--cache-path", tmp_path / "c.sqlite3"]
    assert run_cli(*args).exit_code == 0
    before = out.read_bytes()
    batch = [*args, "--batch", "--overwrite", "--seed", "3"]
    assert run_cli(*batch).exit_code == 75
    assert out.read_bytes() == before
    assert run_cli(*batch).exit_code == 0  # the same command collects, then replaces
    assert out.read_bytes() != before and len(read_jsonl(out)) == len(read_jsonl(source))


def test_evolve_reports_the_rounds_of_the_new_file(tmp_path: Path) -> None:
    seeds, out = ROOT / "seeds" / "seed_tasks.jsonl", tmp_path / "evolved.jsonl"
    args = ["evolve", seeds, "-o", out, "--rounds", "2", "--teacher", "mock"]
    assert run_cli(*args, "-q").exit_code == 0
    stopped = run_cli(*args, "--overwrite", "--seed", "3", "--max-requests", "50")
    assert stopped.exit_code == 3
    rows = len(read_jsonl(out))
    assert 0 < rows < 50 and f"evolve kept {rows} new rows; {rows} in {out}" in stopped.stderr
    assert f"round 1: 135 parents -> {rows} kept" in stopped.stderr
