"""The guards every command shares: an output never replaces an input (same path, symlink,
hard link, or a file an engine run writes beside its output), and a problem found on many
rows of an input is said once, with a count and the first line numbers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli
from synthgen.errors import InputError, summarize_problems
from synthgen.io.beside import is_beside
from synthgen.io.guards import refuse_overwriting

ROWS = [
    {
        "instruction": f"Explain what the number {i} means in a short paragraph.",
        "input": "",
        "output": f"It is {i}.",
    }
    for i in range(6)
]

# How each command is given one input file IN and one output file OUT.
COMMANDS = {
    "generate": ["generate", "--seeds", "IN", "-o", "OUT", "--teacher", "mock", "--num", "3"],
    "respond": ["respond", "IN", "-o", "OUT", "--teacher", "mock"],
    "judge": ["judge", "IN", "-o", "OUT", "--teacher", "mock"],
    "pairs": ["pairs", "IN", "-o", "OUT", "--teacher", "mock"],
    "evolve": ["evolve", "IN", "-o", "OUT", "--teacher", "mock"],
    "dedup": ["dedup", "IN", "-o", "OUT"],
    "filter": ["filter", "IN", "-o", "OUT"],
    "convert": ["convert", "IN", "-o", "OUT", "--to", "messages"],
    "card": ["card", "IN", "-o", "OUT"],
    "stats": ["stats", "IN", "--html", "OUT"],
}
OUTPUT_FLAG = {"stats": "--html"}
ENGINE_COMMANDS = ["generate", "respond", "judge", "pairs", "evolve"]


def _write_rows(path: Path) -> bytes:
    path.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    return path.read_bytes()


def _run(command: str, source: Path, output: Path) -> object:
    args = [str(source) if a == "IN" else str(output) if a == "OUT" else a for a in COMMANDS[command]]
    return run_cli(*args)


def _assert_refused(result: object, flag: str, source: Path, before: bytes) -> None:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    [line] = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert line.startswith(f"synthgen: error: {flag} ") and "write to another file" in line, line
    assert source.read_bytes() == before


@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_that_is_the_input_is_refused(command: str, tmp_path: Path) -> None:
    source = tmp_path / "data.jsonl"
    before = _write_rows(source)
    result = _run(command, source, source)
    _assert_refused(result, OUTPUT_FLAG.get(command, "--output"), source, before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl"]  # nothing written beside it


@pytest.mark.parametrize("link", ["symlink", "hard link"])
@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_linked_to_the_input_is_refused(command: str, link: str, tmp_path: Path) -> None:
    source = tmp_path / "data.jsonl"
    before = _write_rows(source)
    output = tmp_path / "linked.jsonl"
    if link == "symlink":
        output.symlink_to(source.name)
    else:
        os.link(source, output)
    result = _run(command, source, output)
    _assert_refused(result, OUTPUT_FLAG.get(command, "--output"), source, before)
    assert "is the same file as" in result.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", ENGINE_COMMANDS)
def test_an_input_that_the_run_would_write_beside_its_output_is_refused(command: str, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    source = tmp_path / "out.jsonl.rejected.jsonl"  # re-running the rows an earlier run turned away
    before = _write_rows(source)
    result = _run(command, source, output)
    _assert_refused(result, "--output", source, before)
    assert "the run writes beside it" in result.stderr  # type: ignore[attr-defined]
    assert not output.exists()


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["generate", "--prompt", "IN", "-o", "IN", "--teacher", "mock"], "--output"),
        (["generate", "-o", "OUT", "--cache-path", "OUT", "--teacher", "mock"], "--cache-path"),
        (["respond", "OTHER", "-o", "IN", "--system", "@IN", "--teacher", "mock"], "--output"),
        (
            [
                "respond",
                "OTHER",
                "-o",
                "OUT",
                "--teacher",
                "mock",
                "--judge-model",
                "m",
                "--judge-prompt",
                "IN",
            ],
            "",
        ),
        (["judge", "OTHER", "-o", "IN", "--prompt", "IN", "--teacher", "mock"], "--output"),
        (["dedup", "OTHER", "-o", "IN", "--against", "IN"], "--output"),
        (["dedup", "OTHER", "-o", "OUT", "--dropped", "IN", "--against", "IN"], "--dropped"),
        (["filter", "IN", "-o", "OUT", "--rejected", "IN"], "--rejected"),
        (["stats", "OTHER", "--html", "IN", "--seeds", "IN"], "--html"),
        (["card", "OTHER", "-o", "OTHER.report.json"], "--output"),
    ],
)
def test_an_output_over_any_other_input_is_refused(args: list[str], flag: str, tmp_path: Path) -> None:
    """Every file a command reads is guarded, not only its main input (IN stays as it was)."""
    source = tmp_path / "in.jsonl"
    other = tmp_path / "other.jsonl"
    _write_rows(other)
    (tmp_path / "other.jsonl.report.json").write_text("{}", encoding="utf-8")
    if "--judge-prompt" in args:  # --card readme writes README.md beside the output
        source = tmp_path / "README.md"
        args = [*args, "--card", "readme"]
    before = _write_rows(source)
    paths = {"IN": str(source), "OTHER": str(other), "OUT": str(tmp_path / "out.jsonl")}
    paths["OTHER.report.json"] = str(tmp_path / "other.jsonl.report.json")
    result = run_cli(*[paths.get(a, a.replace("@IN", "@" + str(source))) for a in args])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"synthgen: error: {flag or '--card readme'} "), line
    assert source.read_bytes() == before


@pytest.mark.parametrize(("command", "flag"), [("dedup", "--dropped"), ("filter", "--rejected")])
def test_two_outputs_that_are_one_file_through_a_link_are_refused(
    command: str, flag: str, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    _write_rows(source)
    output = tmp_path / "out.jsonl"
    output.write_text("", encoding="utf-8")
    (tmp_path / "alias.jsonl").symlink_to(output.name)
    result = run_cli(command, source, "-o", output, flag, tmp_path / "alias.jsonl")
    assert result.exit_code == 2
    assert f"{flag} and --output are the same file" in result.stderr


def test_a_pairs_stage_file_that_is_the_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "pairs.answers.jsonl"  # where --samples writes the answers of pairs.jsonl
    before = _write_rows(source)
    result = run_cli("pairs", source, "-o", tmp_path / "pairs.jsonl", "--samples", "2", "--teacher", "mock")
    _assert_refused(result, "--output (its answers stage file)", source, before)


def test_a_bad_prompt_field_is_reported_once_with_a_count(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(ROWS[i % 6]) + "\n" for i in range(500)), encoding="utf-8")
    result = run_cli(
        "respond", source, "-o", tmp_path / "out.jsonl", "--teacher", "mock", "--prompt-field", "nope"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"synthgen: error: {source}:1: nope: field required (in 500 rows: lines 1, 2, 3, 4, 5, ...)"
    ]


@pytest.mark.parametrize("command", ["judge", "dedup", "filter", "evolve"])
def test_a_problem_on_every_row_is_reported_once(command: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"question": "What is 2 + 2?"}\n' * 40, encoding="utf-8")
    result = _run(command, source, tmp_path / "out.jsonl")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert (
        line.startswith(f"synthgen: error: {source}:1: ") and "(in 40 rows: lines 1, 2, 3, 4, 5, ...)" in line
    )


def test_problems_are_grouped_by_file_and_message_and_capped() -> None:
    problems = [f"a.jsonl:{n}: output: field required" for n in (2, 4)] + [
        "b.jsonl:1: output: field required"
    ]
    problems += [f"c.jsonl:{n}: score: {n} is not a number" for n in range(1, 30)]
    shown = summarize_problems(problems)
    assert shown[:3] == [
        "a.jsonl:2: output: field required (in 2 rows: lines 2, 4)",
        "b.jsonl:1: output: field required",
        "c.jsonl:1: score: 1 is not a number",
    ]
    assert len(shown) == 21 and shown[-1] == "... and 11 more"
    assert summarize_problems(["seeds.jsonl: empty file: no records"]) == [
        "seeds.jsonl: empty file: no records"
    ]
    assert InputError(problems).problems == problems  # every problem is kept for callers


def test_the_files_beside_an_output() -> None:
    beside = ["o.jsonl.meta.jsonl", "o.jsonl.report.json", "o.jsonl.lock", "o.jsonl.card.md"]
    beside += [
        "o.jsonl.rejected.jsonl",
        "o.jsonl.logprobs.parquet",
        ".o.jsonl.new",
        ".o.jsonl.meta.jsonl.new",
    ]
    assert all(is_beside(name, "o.jsonl") for name in beside)
    others = ["o.jsonl", "o.jsonl.bak", "o.jsonl2.meta.jsonl", "x.jsonl.meta.jsonl", "o.jsonl.card.md.txt"]
    assert not any(is_beside(name, "o.jsonl") for name in others)


def test_paths_that_do_not_exist_yet_are_compared_as_places(tmp_path: Path) -> None:
    refuse_overwriting({"INPUT": tmp_path / "a.jsonl"}, {"--output": tmp_path / "b.jsonl"})
    with pytest.raises(Exception, match=r"--output .* is the same file as INPUT"):
        refuse_overwriting({"INPUT": tmp_path / "a.jsonl"}, {"--output": tmp_path / "sub" / ".." / "a.jsonl"})
