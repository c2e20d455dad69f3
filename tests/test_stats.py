"""``synthgen stats``: figures checked against independent computations, through the CLI."""

from __future__ import annotations

import itertools
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rouge_score import rouge_scorer

from conftest import run_cli
from synthgen.dedup.nearest import TokenCodes, best_scores
from synthgen.stats.verbs import heuristic_verb, heuristic_verb_object, singular
from synthgen.stats.words import median, percentile

ORACLE = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)

ROWS = [
    {"instruction": "Write a short poem about the sea.", "input": "", "output": "Waves roll in."},
    {
        "instruction": "Explain how vaccines train the immune system.",
        "input": "",
        "output": "They show it a harmless part.",
    },
    {"instruction": "write a short poem about the sea", "input": "", "output": "exact duplicate"},
    {"instruction": "Write a short poem about the sea at night.", "input": "", "output": "near duplicate"},
    {"instruction": "Summarize the article.", "input": "Cats sleep a lot.", "output": "Cats sleep."},
    {"instruction": "Give three tips for staying healthy.", "input": "", "output": "Sleep. Eat. Move."},
]


def write_jsonl(path: Path, rows: list[Any], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + tail, encoding="utf-8")
    return path


def stats_json(*args: object) -> dict[str, Any]:
    result = run_cli("stats", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_figures_of_an_alpaca_file(tmp_path: Path) -> None:
    figures = stats_json(write_jsonl(tmp_path / "d.jsonl", ROWS), "--sample", "0")
    assert figures["shape"] == "alpaca" and figures["rows"] == 6 and figures["torn"] is None
    words = sorted(len(r["instruction"].split()) for r in ROWS)
    assert figures["lengths"]["instruction"]["words"]["min"] == words[0]
    assert figures["lengths"]["instruction"]["words"]["max"] == words[-1]
    assert figures["lengths"]["input"]["rows"] == 1
    assert figures["with_input"] == {"rows": 1, "share": round(1 / 6, 4)}
    # the same drops as synthgen dedup: row 2 exact, row 3 near (0.93 > 0.7)
    assert figures["duplicates"] == {
        "exact": 1, "near": 1, "threshold": 0.7, "distinct_prompts": 5, "samples_per_prompt": 1,
    }  # fmt: skip
    verbs = {entry["verb"]: entry for entry in figures["verbs"]["top"]}
    assert verbs["write"]["count"] == 3 and verbs["write"]["objects"][0] == ["poem", 3]
    assert figures["run"] is None


def test_nearest_row_histogram_matches_rouge_score(tmp_path: Path) -> None:
    figures = stats_json(write_jsonl(tmp_path / "d.jsonl", ROWS), "--sample", "0")
    texts = [r["instruction"] for r in ROWS]
    best = [
        max(ORACLE.score(t, o)["rougeL"].fmeasure for j, o in enumerate(texts) if j != i)
        for i, t in enumerate(texts)
    ]
    nearest = figures["similarity"]["nearest_row"]
    assert sum(nearest["counts"]) == len(ROWS) and nearest["sampled"] is False
    assert nearest["mean"] == round(sum(best) / len(best), 4)
    assert nearest["above_threshold"] == sum(score > 0.7 for score in best)


def test_nearest_seed_uses_the_given_seeds(tmp_path: Path) -> None:
    seeds = write_jsonl(
        tmp_path / "seeds.jsonl", [{"instruction": "Write a short poem about the sea.", "output": "x"}]
    )
    figures = stats_json(write_jsonl(tmp_path / "d.jsonl", ROWS), "--seeds", seeds)
    seed = figures["similarity"]["nearest_seed"]
    assert seed["seeds"] == 1 and seed["seeds_file"] == str(seeds)
    assert sum(seed["counts"]) == len(ROWS)
    assert seed["above_threshold"] == 3  # the row itself, its exact and its near duplicate
    assert seed["counts"][-1] == 2  # ROUGE-L 1.0 (same tokens) falls in the last bar


def test_best_scores_equal_rouge_score_floats() -> None:
    rng = random.Random(5)
    vocab = ["a", "b", "c", "d", "e", "f", "g", "h", "the", "of", "to", "sea", "poem", "cat"]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12))) for _ in range(60)]
    coded = TokenCodes().encode(texts)
    scores = best_scores(coded[:20], coded, skip=list(range(20)))
    for i, text in enumerate(texts[:20]):
        expected = max(ORACLE.score(text, o)["rougeL"].fmeasure for j, o in enumerate(texts) if j != i)
        assert scores[i] == expected  # the same float, not merely close


@pytest.mark.parametrize(
    ("row", "shape", "instruction", "output"),
    [
        ({"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Name a color."},
                       {"role": "assistant", "content": "Blue."}]}, "messages", "Name a color.", "Blue."),
        ({"conversations": [{"from": "human", "value": "Name a color."}, {"from": "gpt", "value": "Blue."}]},
         "sharegpt", "Name a color.", "Blue."),
        ({"prompt": "Name a color.", "chosen": "Blue.", "rejected": "I cannot."}, "dpo", "Name a color.", "Blue."),
    ],
)  # fmt: skip
def test_other_shapes_are_detected(
    tmp_path: Path, row: dict, shape: str, instruction: str, output: str
) -> None:
    figures = stats_json(write_jsonl(tmp_path / "d.jsonl", [row, row]))
    assert figures["shape"] == shape and figures["rows"] == 2
    prompt, answer = ("prompt", "chosen") if shape == "dpo" else ("instruction", "output")  # as the rows say
    assert figures["lengths"][prompt]["words"]["max"] == len(instruction.split())
    assert figures["lengths"][answer]["words"]["max"] == len(output.split())
    assert figures["duplicates"]["exact"] == 1
    assert ("rejected" in figures["lengths"]) == (shape == "dpo")


def test_torn_last_line_is_reported_and_the_rest_analysed(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "d.jsonl", ROWS, tail='{"instruction": "Cut sho')
    result = run_cli("stats", source, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["rows"] == len(ROWS)
    assert result.stderr.strip().splitlines() == [
        f"synthgen: error: {source}:7: torn last line (Unterminated string starting at): "
        "left out, the other rows analysed"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file: no rows"),
        ("\n\n", "empty file: no rows"),
        ('{"text": "hello"}\n', ":1: (record): not a known dataset shape (text)"),
        ('{"instruction": 3}\n', ":1: instruction: expected a string, got int"),
        ('{"instruction": "a"}\nnot json\n{"instruction": "b"}\n', ":2: invalid JSON"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "d.jsonl"
    source.write_text(content, encoding="utf-8")
    result = run_cli("stats", source)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(source) in lines[0], result.stderr


def test_run_report_totals_and_text_view(tmp_path: Path) -> None:
    out = tmp_path / "gen.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--num", "40", "-o", out, "-q", "--no-cache")
    assert result.exit_code == 0, result.output
    report = json.loads(out.with_name("gen.jsonl.report.json").read_text())
    figures = stats_json(out)
    run = report["last_run"]
    assert figures["run"]["requests_sent"] == run["usage"]["requests_sent"]
    assert figures["run"]["rejected"] == run["counts"]["rejected"]
    assert figures["run"]["teacher"]["model"] == "mock"
    text = run_cli("stats", out)
    assert text.exit_code == 0
    assert f"{out}: 40 rows (alpaca)" in text.stdout
    assert "to nearest seed (135)" in text.stdout  # the run's seeds: the bundled ones
    assert f"requests: {run['usage']['requests_sent']:,} sent" in text.stdout


def test_html_page_is_self_contained(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    page = tmp_path / "report.html"
    result = run_cli("stats", write_jsonl(tmp_path / "d.jsonl", ROWS * 3), "--html", page)
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 3  # lengths, similarity, verbs (no run report: no rejections)
    assert "<script" not in text and "src=" not in text and 'href="http' not in text


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("Write a short poem about cats.", ("write", "poem")),
        ("Tell me a joke.", ("tell", "joke")),
        ("Give three tips for staying healthy.", ("give", "tip")),
        ("Classify the following sentence as positive or negative.", ("classify", "sentence")),
        ("Please list the planets", ("list", "planet")),
        ("Explain why the sky is blue.", ("explain", None)),
        ("What is the capital of France?", (None, None)),
        ("Greta has 5 apples and buys 3 more.", (None, None)),
        ("Over the weekend, Ravi ran 3 km.", (None, None)),
        ("Summarize the article.", ("summarize", "article")),
        ("Background: a story", (None, None)),
        ("", (None, None)),
    ],
)
def test_heuristic_verb_and_object(instruction: str, expected: tuple) -> None:
    assert heuristic_verb_object(instruction) == expected
    assert heuristic_verb(instruction) == expected[0]  # the card's verb-only reading


@pytest.mark.parametrize(
    "instruction",
    ["please now Write: x", "Write - a", "  ", "Please", "123 go", "Rewrite-it", "then also list it"],
)
def test_the_verb_alone_is_the_verb_of_the_pair(instruction: str) -> None:
    assert heuristic_verb(instruction) == heuristic_verb_object(instruction)[0]


def test_singular() -> None:
    assert [singular(w) for w in ("stories", "boxes", "tips", "class", "status", "list")] == [
        "story", "box", "tip", "class", "status", "list",
    ]  # fmt: skip


def test_spacy_parse_gives_root_verb_and_direct_object() -> None:
    spacy = pytest.importorskip("spacy")
    from synthgen.stats.verbs import spacy_verb_object

    words = ["Write", "a", "short", "poem", "about", "cats", "."]
    doc = spacy.tokens.Doc(
        spacy.vocab.Vocab(),
        words=words,
        pos=["VERB", "DET", "ADJ", "NOUN", "ADP", "NOUN", "PUNCT"],
        deps=["ROOT", "det", "amod", "dobj", "prep", "pobj", "punct"],
        heads=[0, 3, 3, 0, 3, 4, 0],
        lemmas=["write", "a", "short", "poem", "about", "cat", "."],
    )
    assert spacy_verb_object(doc) == ("write", "poem")
    question = spacy.tokens.Doc(
        spacy.vocab.Vocab(), words=["What", "is", "it"], pos=["PRON", "AUX", "PRON"],
        deps=["attr", "ROOT", "nsubj"], heads=[1, 1, 1], lemmas=["what", "be", "it"],
    )  # fmt: skip
    assert spacy_verb_object(question) == (None, None)


def test_spacy_parser_without_a_model_is_a_one_line_hint(tmp_path: Path) -> None:
    from synthgen.stats.verbs import installed_spacy_pipeline

    if installed_spacy_pipeline() is not None:
        pytest.skip("an English spaCy pipeline is installed here")
    result = run_cli("stats", write_jsonl(tmp_path / "d.jsonl", ROWS), "--parser", "spacy")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no spaCy English pipeline installed" in result.stderr
    assert result.stdout == ""


def test_unwritable_page_and_missing_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_jsonl(tmp_path / "d.jsonl", ROWS)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("stats", source, "--html", blocker / "page.html")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "cannot write" in result.stderr
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # as if matplotlib were not installed
    result = run_cli("stats", source, "--html", tmp_path / "page.html")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "synthgen: error: --html needs matplotlib: pip install 'synthgen[stats]'\n"


def test_duplicate_pass_in_a_worker_process_counts_the_same() -> None:
    from synthgen.stats.similarity import duplicates, start_duplicates

    rng = random.Random(2)
    words = ["write", "a", "poem", "about", "the", "sea", "list", "three", "uses", "of", "copper", "night"]
    pairs = [(" ".join(rng.choice(words) for _ in range(rng.randint(3, 8))), "") for _ in range(400)]
    inline = duplicates(pairs, 0.7)
    assert inline["exact"] > 0 and inline["near"] > 0
    assert start_duplicates(pairs, 0.7, background_from=1).result() == inline


# --- figures that are true (issue 23) -------------------------------------------------------


def test_samples_per_prompt_and_duplicates_per_distinct_prompt(tmp_path: Path) -> None:
    """A respond --samples 4 file: 4 rows per prompt are samples, not 3 duplicates each."""
    prompts = [f"Compute {a} plus {b} and explain the sum of {a} and {b}." for a in range(6) for b in (7, 9)]
    rows = [{"instruction": p, "input": "", "output": f"answer {k}"} for p in prompts for k in range(4)]
    figures = stats_json(write_jsonl(tmp_path / "d.jsonl", rows), "--sample", "0")
    dup = figures["duplicates"]
    assert dup["distinct_prompts"] == 12 and dup["samples_per_prompt"] == 4
    assert dup["exact"] == 48 - 12  # every row that repeats a prompt
    kept: list[str] = []  # near-duplicates among the distinct prompts, by rouge-score itself
    for prompt in prompts:
        if any(ORACLE.score(k, prompt)["rougeL"].fmeasure > 0.7 for k in kept):
            continue
        kept.append(prompt)
    assert dup["near"] == len(prompts) - len(kept) > 0
    text = run_cli("stats", tmp_path / "d.jsonl").stdout
    assert "prompts: 12 distinct, 4 rows (samples) per prompt" in text


def test_word_count_bins_hold_whole_numbers(tmp_path: Path) -> None:
    rows = [{"instruction": " ".join(["word"] * n), "input": "", "output": "x"} for n in range(4, 80)]
    figures = stats_json(write_jsonl(tmp_path / "d.jsonl", rows))
    edges = figures["lengths"]["instruction"]["words"]["histogram"]["edges"]
    widths = {b - a for a, b in itertools.pairwise(edges)}
    assert len(widths) == 1 and float(widths.pop()).is_integer() and all(float(e).is_integer() for e in edges)


def test_heuristic_verbs_say_so_and_leave_names_out(tmp_path: Path) -> None:
    rows = [{"instruction": f"{name} has {n} apples and buys {n + 2} more.", "input": "", "output": "x"}
            for n, name in enumerate(["Greta", "Ravi", "Ximena", "Kofi"])] + ROWS  # fmt: skip
    figures = stats_json(write_jsonl(tmp_path / "d.jsonl", rows), "--parser", "heuristic")
    verbs = [entry["verb"] for entry in figures["verbs"]["top"]]
    assert not {"greta", "ravi", "ximena", "kofi", "over"} & set(verbs) and "write" in verbs
    assert figures["verbs"]["with_verb"]["rows"] == len(ROWS)  # every row of ROWS opens with a verb
    text = run_cli("stats", tmp_path / "d.jsonl", "--parser", "heuristic").stdout
    assert "leading verbs (heuristic: the first word when it is a listed instruction verb" in text


def test_preference_pages_name_their_columns_and_plot_chosen_against_rejected(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    rows = [
        {"prompt": f"Name {k} colors.", "chosen": "Red, blue and green.", "rejected": "No."}
        for k in range(3, 9)
    ]
    data = write_jsonl(tmp_path / "pairs.jsonl", rows)
    meta = [{"chosen": {"score": 8}, "rejected": {"score": 3 + k % 2}} for k in range(6)]
    write_jsonl(tmp_path / "pairs.jsonl.meta.jsonl", meta)
    page = tmp_path / "page.html"
    figures = stats_json(data, "--html", page)
    assert {"prompt", "chosen", "rejected"} <= set(figures["lengths"]) and "output" not in figures["lengths"]
    pref = figures["preference"]
    assert pref["pairs"] == 6 and pref["chosen"][7] == 6 and pref["rejected"][2:4] == [3, 3]
    assert pref["margins"] == {"4": 3, "5": 3}
    html_text = page.read_text(encoding="utf-8")
    assert "Chosen and rejected answers" in html_text and "judge scores of 6 pairs" in html_text


def test_soft_target_histograms_are_on_the_page(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("pyarrow")
    out = tmp_path / "answers.jsonl"
    source = write_jsonl(tmp_path / "in.jsonl", [{"instruction": f"Add {n} and {n + 1}."} for n in range(8)])
    result = run_cli("respond", source, "-o", out, "--teacher", "mock", "--logprobs", "3", "-q")
    assert result.exit_code == 0, result.output
    page = tmp_path / "page.html"
    figures = stats_json(out, "--html", page)
    assert figures["soft_targets"]["rows"] == 8
    html_text = page.read_text(encoding="utf-8")
    assert "Teacher soft targets" in html_text and "mean token logprob per row" in html_text


@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=300),
    st.sampled_from([10, 50, 90, 99]),
)
@settings(max_examples=300, deadline=None)
def test_the_cards_quantiles_are_numpys(values: list[int], q: int) -> None:
    array = np.array(values, dtype=np.int64)
    ordered = sorted(values)
    assert percentile(ordered, q) == float(np.percentile(array, q))
    assert median(ordered) == float(np.median(array))
