"""GreedyPool: the greedy rule with its look-ups in worker processes makes one loop's decisions."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from conftest import run_cli
from synthgen.dedup import normalize_key
from synthgen.dedup.greedy import Decision, GreedyPool
from synthgen.dedup.rouge import fmeasure
from test_dedup import naive_greedy


def _texts(count: int, seed: int = 3) -> list[str]:
    """Templated tasks with slot words, exact repeats and near misses: many decisions near 0.7."""
    rng = random.Random(seed)
    templates = [
        "write a {} poem about {} and {}",
        "explain the {} of {} to a {} in simple words",
        "give {} examples of {} {} for a class",
        "list the {} reasons why {} matters to {}",
    ]
    slots = [
        "short",
        "funny",
        "cats",
        "dogs",
        "water",
        "history",
        "child",
        "three",
        "red",
        "big",
        "river",
        "ice",
    ]
    texts: list[str] = []
    for _ in range(count):
        if texts and rng.random() < 0.05:
            texts.append(rng.choice(texts).upper() + "!")  # an exact duplicate, by key
            continue
        template = rng.choice(templates)
        text = template.format(*(rng.choice(slots) for _ in range(template.count("{}"))))
        texts.append(text + rng.choice(["", " in one sentence", " step by step", ", briefly"]))
    return texts


def _decide(texts: list[str], seeds: int, **options: object) -> list[Decision]:
    pool = GreedyPool(0.7, prime=texts, **options)  # type: ignore[arg-type]
    for text in texts[:seeds]:
        pool.add(text, normalize_key(text))
    return list(pool.decide((text, normalize_key(text)) for text in texts[seeds:]))


@pytest.mark.parametrize("workers,batch", [(2, 7), (2, 64), (3, 50)])
def test_workers_decide_as_one_loop_whatever_the_batches(workers: int, batch: int) -> None:
    texts = _texts(900)
    one = _decide(texts, 5)
    assert one == _decide(texts, 5, workers=workers, batch=batch)
    # without the best match, the same decisions (a match is still above the threshold)
    quick = _decide(texts, 5, workers=workers, batch=batch, best_match=False)
    assert [d.reason for d in quick] == [d.reason for d in one]
    assert {d.reason for d in one} == {None, "exact", "similar"}


def test_one_loop_is_the_naive_rule() -> None:
    texts = _texts(400, seed=11)
    keys = [normalize_key(text) for text in texts]
    got = _decide(texts, 0)
    # the naive rule on the records that are not exact duplicates of a kept one
    kept_keys: set[str] = set()
    survivors = []
    for text, key, decision in zip(texts, keys, got, strict=True):
        if decision.reason == "exact":
            assert key in kept_keys
            continue
        survivors.append(text)
        if decision.reason is None:
            kept_keys.add(key)
    similar = [d for d in got if d.reason != "exact"]
    expected = naive_greedy(survivors, 0.7)
    assert [None if d.reason is None else round(d.score, 12) for d in similar] == [
        None if e is None else round(e[1], 12) for e in expected
    ]


def _rewritten(texts: list[str], seed: int) -> list[str]:
    """Each text, sometimes followed at once by a near-duplicate of it (a word changed, dropped
    or added) or by a much shorter or longer task: matches right at the frozen/recent boundary,
    and partners whose lengths no LCS can bring above the threshold."""
    rng = random.Random(seed)
    out: list[str] = []
    for text in texts:
        out.append(text)
        words = text.split()
        roll = rng.random()
        if roll < 0.3:
            words[rng.randrange(len(words))] = rng.choice(["blue", "seven", "quietly", "own"])
            out.append(" ".join(words))
        elif roll < 0.4:
            out.append(" ".join(words[: rng.randint(1, 3)]))
        elif roll < 0.5:
            out.append(" ".join(words * rng.randint(2, 4)) + " and more")
        elif roll < 0.6:
            del words[rng.randrange(len(words))]
            out.append(" ".join(words))
    return out


@pytest.mark.parametrize("batch", [1, 2, 3, 5, 16])
def test_workers_at_the_boundary_of_frozen_and_recent_members(batch: int) -> None:
    texts = _rewritten(_texts(250, seed=batch), seed=batch)
    one = _decide(texts, 3)
    assert one == _decide(texts, 3, workers=2, batch=batch)
    quick = _decide(texts, 3, workers=2, batch=batch, best_match=False)
    assert [d.reason for d in quick] == [d.reason for d in one]
    assert {d.reason for d in one} == {None, "exact", "similar"}


# Two members of ten words sharing their first five (F 0.5: both kept), and a task whose LCS
# with each is 8 of 11 words (F ~0.76 against both, the very same float): a tie.
_A = "t1 t2 t3 t4 t5 t6 t7 t8 t9 t10"
_B = "t1 t2 t3 t4 t5 u6 u7 u8 u9 u10"
_X = "t1 t2 t3 t4 t5 t6 t7 t8 u6 u7 u8"


@pytest.mark.parametrize("seeds", [0, 1, 2])
@pytest.mark.parametrize("batch", [1, 2, 4])
def test_a_tie_goes_to_the_earliest_member_frozen_or_recent(seeds: int, batch: int) -> None:
    texts = [_A, _B, _X, _X.replace("t8", "t9"), "t1 t2 t3 t4 t5 u6 u7 u8 u9 u11"]
    one = _decide(texts, seeds)
    assert one[2 - seeds] == Decision("similar", 0, fmeasure(8, 11, 10))
    assert one == _decide(texts, seeds, workers=2, batch=batch)
    expected = naive_greedy(texts, 0.7, seeds)
    assert [None if d.reason is None else (d.index, d.score) for d in one] == expected


def test_dedup_with_workers_writes_the_same_files(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"instruction": t, "input": "", "output": "x"}) + "\n" for t in _texts(5000))
    )
    outputs = []
    for workers in ("1", "2"):
        out, dropped = tmp_path / f"out{workers}.jsonl", tmp_path / f"dropped{workers}.jsonl"
        result = run_cli("dedup", source, "-o", out, "--dropped", dropped, "--workers", workers)
        assert result.exit_code == 0, result.output
        outputs.append((out.read_bytes(), dropped.read_text().replace(str(dropped), "")))
    assert outputs[0] == outputs[1]
