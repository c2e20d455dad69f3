"""`respond --logprobs K`: soft targets in OUT.logprobs.parquet, in-process and over HTTP; the
cache, kill -9 and resume, --min-confidence, an endpoint that ignores the parameter, bad flags."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import read_jsonl, run_cli
from synthgen.engine.recipe import Answer
from synthgen.errors import TeacherError
from synthgen.io.logprobs_file import staging_path
from synthgen.io.prompt_rows import PromptRow
from synthgen.mock.logprobs import token_logprobs
from synthgen.recipes.respond import Respond, RespondOptions
from synthgen.records import Completion, TokenLogprobs
from synthgen.teacher.cache import ResponseCache, cache_key
from synthgen.teacher.logprobs import logprobs_request, parse_logprobs

ROOT = Path(__file__).resolve().parents[1]
MATH = ROOT / "seeds" / "math_word_problems.jsonl"


def _source(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "math.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in read_jsonl(MATH)[:rows]), encoding="utf-8")
    return path


def _soft(out: Path) -> pa.Table:
    return pq.read_table(out.with_name(out.name + ".logprobs.parquet"))


def _report(out: Path) -> dict[str, Any]:
    return json.loads(out.with_name(out.name + ".report.json").read_text())


def _check_against_text(out: Path, k: int) -> pa.Table:
    """Row i of the Parquet file is line i of OUT: its tokens spell the answer, and its numbers
    are the mock's soft targets for that text (as float16)."""
    table = _soft(out)
    rows, meta = read_jsonl(out), read_jsonl(out.with_name(out.name + ".meta.jsonl"))
    assert table.num_rows == len(rows) == len(meta) > 0
    assert table.schema.field("logprobs").type.value_type == pa.float16()
    for row, line, soft in zip(rows, meta, table.to_pylist(), strict=True):
        assert (soft["request"], soft["row"], soft["sample"]) == (
            line["request"],
            line["row"],
            line["sample"],
        )
        assert b"".join(soft["tokens"]).decode() == row["output"]
        expected = token_logprobs(row["output"], k)
        assert soft["top_tokens"] == [[t["token"].encode() for t in e["top_logprobs"]] for e in expected]
        assert soft["logprobs"] == [float(np.float16(e["logprob"])) for e in expected]
        top = [[float(np.float16(t["logprob"])) for t in e["top_logprobs"]] for e in expected]
        assert soft["top_logprobs"] == top
        assert line["mean_logprob"] == round(sum(e["logprob"] for e in expected) / len(expected), 4)
    return table


def test_in_process_mock_writes_one_soft_target_row_per_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli("respond", _source(tmp_path, 12), "--teacher", "mock", "-o", out, "-q", "--samples", "2",
                     "--logprobs", "5")  # fmt: skip
    assert result.exit_code == 0, result.output
    table = _check_against_text(out, 5)
    assert table.num_rows == 24
    assert not staging_path(out).exists()  # a finished run leaves the Parquet file only
    counts = _report(out)["last_run"]["counts"]
    assert counts["metrics"]["soft_target_tokens"] == sum(len(t) for t in table.column("tokens").to_pylist())


def test_over_http_with_the_cache(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server()
    source, cache = _source(tmp_path, 20), tmp_path / "cache.sqlite3"
    common = ["--base-url", server.url, "--model", "m", "--cache-path", cache, "-q"]
    out = tmp_path / "out.jsonl"
    assert run_cli("respond", source, "-o", out, "--logprobs", "3", *common).exit_code == 0
    _check_against_text(out, 3)
    sent = server.stats()["requests"]["/v1/chat/completions"]["200"]
    # the same run again comes from the cache, soft targets and all
    again = tmp_path / "again.jsonl"
    assert run_cli("respond", source, "-o", again, "--logprobs", "3", *common).exit_code == 0
    assert server.stats()["requests"]["/v1/chat/completions"]["200"] == sent
    assert _report(again)["last_run"]["counts"]["cached_responses"] == 20
    assert _soft(again).equals(_soft(out))
    # answers without logprobs, or with another K, are other cache entries
    plain = tmp_path / "plain.jsonl"
    assert run_cli("respond", source, "-o", plain, *common).exit_code == 0
    assert not plain.with_name("plain.jsonl.logprobs.parquet").exists()
    five = tmp_path / "five.jsonl"
    assert run_cli("respond", source, "-o", five, "--logprobs", "5", *common).exit_code == 0
    assert server.stats()["requests"]["/v1/chat/completions"]["200"] == sent + 40
    _check_against_text(five, 5)


def test_killed_and_resumed_keeps_the_side_file_in_step(tmp_path: Path, kill_and_resume: Any) -> None:
    source = _source(tmp_path, 120)
    drill = kill_and_resume(
        "respond", source, "--model", "m", "--samples", "2", "-j", "4", "-q", "--logprobs", "4"
    )
    reference = drill.reference()
    out = drill.output("out")
    stream = staging_path(out)
    for answers in (80, 60):  # of 240; killed twice, the second time the stream also gets a torn tail
        drill.kill_after(answers, then=stream.exists)
        if answers == 60:
            with stream.open("ab") as handle:
                handle.write(b"\xff\xff\xff\xff\x80\x01\x00\x00torn")
    assert len(read_jsonl(out)) < 240
    drill.resume()
    assert out.read_bytes() == reference.read_bytes()
    assert _soft(out).equals(_soft(reference))
    assert not staging_path(out).exists()
    _check_against_text(out, 4)


def test_a_resumed_run_brings_the_parquet_file_up_to_date(tmp_path: Path) -> None:
    """Interrupted by a budget: the Parquet file matches what is written; the rerun finishes it."""
    source, out = _source(tmp_path, 30), tmp_path / "out.jsonl"
    args = ["respond", source, "--teacher", "mock", "-o", out, "-q", "--logprobs", "2"]
    result = run_cli(*args, "--max-requests", "10")
    assert result.exit_code == 3, result.output
    assert _soft(out).num_rows == len(read_jsonl(out)) == 10
    assert staging_path(out).exists()  # kept for the resumed run
    assert run_cli(*args).exit_code == 0
    assert _check_against_text(out, 2).num_rows == 30
    assert run_cli(*args).exit_code == 0  # nothing left to do: the file stays whole
    assert _soft(out).num_rows == 30 and not staging_path(out).exists()


def test_min_confidence_drops_unsure_answers(tmp_path: Path) -> None:
    source, out = _source(tmp_path, 60), tmp_path / "out.jsonl"
    result = run_cli("respond", source, "--teacher", "mock", "-o", out, "-q", "--logprobs", "5",
                     "--min-confidence", "-0.6")  # fmt: skip
    assert result.exit_code == 0, result.output
    counts = _report(out)["last_run"]["counts"]
    meta = read_jsonl(out.with_name("out.jsonl.meta.jsonl"))
    assert 0 < counts["rejected"]["low_confidence"] < 60
    assert counts["kept"] + counts["rejected"]["low_confidence"] == 60
    assert all(m["mean_logprob"] >= -0.6 for m in meta)
    _check_against_text(out, 5)


def test_an_endpoint_that_ignores_logprobs_stops_the_run(tmp_path: Path, mock_server: Any) -> None:
    server = mock_server("--ignore-logprobs")
    out = tmp_path / "out.jsonl"
    result = run_cli("respond", _source(tmp_path, 20), "--base-url", server.url, "--model", "m", "-o", out,
                     "-q", "--logprobs", "5", "--no-cache")  # fmt: skip
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and server.url in lines[0] and "does not return logprobs" in lines[0]
    assert "vLLM" in lines[0]
    assert not out.exists() or out.read_text() == ""
    assert not out.with_name("out.jsonl.logprobs.parquet").exists()
    # without --logprobs the same server is fine
    plain = tmp_path / "plain.jsonl"
    result = run_cli(
        "respond", _source(tmp_path, 5), "--base-url", server.url, "--model", "m", "-o", plain, "-q"
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--logprobs", "0"], "--logprobs"),
        (["--logprobs", "21"], "--logprobs"),
        (["--min-confidence", "-1"], "--min-confidence needs --logprobs"),
        (["--logprobs", "5", "--min-confidence", "0.5"], "--min-confidence"),
    ],
)
def test_bad_flags_are_one_line_exit_2(tmp_path: Path, flags: list[str], named: str) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli("respond", _source(tmp_path, 3), "--teacher", "mock", "-o", out, *flags)
    assert result.exit_code == 2
    assert named in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_without_pyarrow_the_flag_is_refused_with_a_hint(tmp_path: Path) -> None:
    blocker = tmp_path / "site" / "pyarrow"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named pyarrow')\n")
    env_path = f"{tmp_path / 'site'}:{ROOT / 'src'}"
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "synthgen", "respond", str(_source(tmp_path, 3)), "--teacher", "mock",
           "-o", str(out), "--logprobs", "5"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={"PYTHONPATH": env_path})
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        'synthgen: error: --logprobs writes OUT.logprobs.parquet, which needs pyarrow: pip install "synthgen[parquet]"'
    ]
    assert not out.exists()


def test_soft_targets_cannot_be_added_to_rows_made_without_them(tmp_path: Path) -> None:
    source, out = _source(tmp_path, 6), tmp_path / "out.jsonl"
    assert (
        run_cli("respond", source, "--teacher", "mock", "-o", out, "-q", "--max-requests", "3").exit_code == 3
    )
    result = run_cli("respond", source, "--teacher", "mock", "-o", out, "-q", "--logprobs", "2", "--force")
    assert result.exit_code == 2
    assert "soft targets for 0 of the 3 rows" in result.stderr and "--overwrite" in result.stderr
    result = run_cli(
        "respond", source, "--teacher", "mock", "-o", out, "-q", "--logprobs", "2", "--overwrite"
    )
    assert result.exit_code == 0, result.output
    assert _soft(out).num_rows == 6


# ---- units: reading the wire format, the cache, the recipe's checks ---------------------------


def test_parse_keeps_server_bytes_and_falls_back_to_the_token_string() -> None:
    choice = {
        "logprobs": {
            "content": [
                {"token": "caf", "logprob": -0.5, "bytes": [99, 97, 102], "top_logprobs": []},
                {"token": "\\xc3", "logprob": -1.0, "bytes": [195],
                 "top_logprobs": [{"token": "\\xc3", "logprob": -1.0, "bytes": [195]},
                                  {"token": "e", "logprob": -2.0}]},
                {"token": "\\xa9", "logprob": -0.1, "bytes": [169], "top_logprobs": None},
            ]
        }
    }  # fmt: skip
    soft = parse_logprobs(choice)
    assert soft is not None
    assert b"".join(soft.tokens).decode() == "café"  # pieces of one character, exact
    assert soft.top_tokens == [[], [b"\xc3", b"e"], []]
    assert soft.top_logprobs == [[], [-1.0, -2.0], []]
    assert soft.mean_logprob() == pytest.approx(-1.6 / 3)
    assert parse_logprobs({"logprobs": None}) is None
    assert parse_logprobs({}) is None
    assert parse_logprobs({"logprobs": {"content": None}}) is None


def test_cached_answers_keep_their_soft_targets(tmp_path: Path) -> None:
    soft = TokenLogprobs(tokens=[b"\xc3", b"\xa9!"], logprobs=[-0.25, -3.5],
                         top_tokens=[[b"\xc3", b"a"], [b"\xa9!"]], top_logprobs=[[-0.25, -2.0], [-3.5]])  # fmt: skip
    cache = ResponseCache(tmp_path / "c.sqlite3")
    cache.put("k", Completion(text="é!", logprobs=soft))
    back = cache.get("k")
    cache.close()
    assert back is not None and back.logprobs == soft
    key = {"model": "m", "endpoints": ["u"], "messages": [], "sampling": {}, "sample_index": 0}
    assert cache_key(**key) == cache_key(**key, extra_body=None)
    assert cache_key(**key) != cache_key(**key, extra_body=logprobs_request(5))
    assert cache_key(**key, extra_body=logprobs_request(5)) != cache_key(
        **key, extra_body=logprobs_request(4)
    )


def _recipe(**options: Any) -> Respond:
    settings = {"samples": 1, "system": None, "reasoning": "inline", "format": "alpaca", "verify": "none",
                "verify_pattern": None, "keep": "all-correct", "logprobs": 3, **options}  # fmt: skip
    rows = [
        PromptRow(line=1, instruction="Say hi.", input="", messages=[{"role": "user", "content": "Say hi."}])
    ]
    return Respond(RespondOptions(**settings), rows, [])


def test_answers_without_logprobs_after_the_first_are_counted_and_rejected() -> None:
    recipe = _recipe()
    request = recipe.plan(0)
    assert request is not None and request.extra_body == {"logprobs": True, "top_logprobs": 3}
    soft = TokenLogprobs(tokens=[b"hi"], logprobs=[-0.1], top_tokens=[[b"hi"]], top_logprobs=[[-0.1]])
    with pytest.raises(TeacherError, match="http://a/v1: this server does not return logprobs"):
        recipe.validate(Completion(text="hi", endpoint="http://a/v1"))
    recipe.validate(Completion(text="hi", endpoint="http://b/v1", logprobs=soft))
    recipe.validate(Completion(text="hi", endpoint="http://b/v1"))  # b did send them: a glitch
    screen = recipe.screen_factory()()
    verdict = screen.screen(Answer(0, "hi", payload=request.payload), limit=10)
    assert verdict.rejected == {"no_logprobs": 1} and verdict.metrics["answers_without_logprobs"] == 1
    kept = screen.screen(Answer(0, "hi", payload=request.payload, logprobs=soft), limit=10)
    assert kept.kept and kept.side == [("logprobs", {"row": 0, "sample": 0, "logprobs": soft})]
    assert _recipe(logprobs=0).plan(0).extra_body is None  # type: ignore[union-attr]


def test_stats_shows_the_teachers_confidence_and_entropy_per_row(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert run_cli("respond", _source(tmp_path, 15), "--teacher", "mock", "-o", out, "-q",
                   "--logprobs", "4").exit_code == 0  # fmt: skip
    result = run_cli("stats", out, "--json")
    assert result.exit_code == 0, result.output
    soft = json.loads(result.stdout)["soft_targets"]
    rows = _soft(out).to_pylist()
    entropies, means = [], []
    for row in rows:  # the plain formula, token by token
        per_token = []
        for top in row["top_logprobs"]:
            p = [math.exp(lp) for lp in top]
            rest = max(0.0, 1 - sum(p))
            per_token.append(
                -sum(q * lp for q, lp in zip(p, top, strict=True)) - (rest * math.log(rest) if rest else 0)
            )
        entropies.append(sum(per_token) / len(per_token))
        means.append(sum(row["logprobs"]) / len(row["logprobs"]))
    assert soft["rows"] == 15 and soft["matches_dataset"]
    assert soft["entropy"]["mean"] == pytest.approx(sum(entropies) / 15, abs=1e-4)
    assert soft["mean_logprob"]["mean"] == pytest.approx(sum(means) / 15, abs=1e-4)
    assert sum(soft["entropy"]["histogram"]["counts"]) == 15
    text = run_cli("stats", out).stdout
    assert "teacher soft targets" in text and "entropy, nats/token" in text


def test_overwriting_without_logprobs_drops_the_replaced_soft_targets(tmp_path: Path) -> None:
    source, out = _source(tmp_path, 4), tmp_path / "out.jsonl"
    assert run_cli("respond", source, "--teacher", "mock", "-o", out, "-q", "--logprobs", "2").exit_code == 0
    assert _soft(out).num_rows == 4
    assert run_cli("respond", source, "--teacher", "mock", "-o", out, "-q", "--overwrite").exit_code == 0
    assert not out.with_name("out.jsonl.logprobs.parquet").exists() and not staging_path(out).exists()
