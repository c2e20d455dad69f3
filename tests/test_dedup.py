"""The fast ROUGE-L index must make exactly the decisions of the naive rule with rouge-score."""

from __future__ import annotations

import itertools
import math
import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rouge_score import rouge_scorer, scoring, tokenizers

from rouge_oracle import Member, scores_that_matter
from synthgen.dedup import ExactIndex, Match, RougeIndex, normalize_key, rouge_l_f, rouge_tokens

ORACLE = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
ORACLE_TOKENIZE = tokenizers.DefaultTokenizer(use_stemmer=False).tokenize


def oracle_score(candidate: str, member: str) -> float:
    """rouge-score's ROUGE-L F, called as Alpaca does: target = new instruction."""
    return ORACLE.score(candidate, member)["rougeL"].fmeasure


def naive_greedy(texts: list[str], threshold: float, seeds: int = 0) -> list[tuple[int, float] | None]:
    """The rule as self-instruct/Alpaca run it: every candidate against every pool member.

    Returns, per non-seed text, None when kept, else (index of the best member, its score),
    the earliest member on ties (what ``list.index(max(...))`` gives). rouge-score scores the
    members that could be above the threshold; the others provably are not (rouge_oracle).
    """
    pool = [Member.of(text) for text in texts[:seeds]]
    decisions: list[tuple[int, float] | None] = []
    for text in texts[seeds:]:
        candidate = Member.of(text)
        scores = scores_that_matter(candidate, pool, threshold)
        best = max(scores.values(), default=0.0)
        if best > threshold:
            decisions.append((min(i for i, score in scores.items() if score == best), best))
        else:
            decisions.append(None)
            pool.append(candidate)
    return decisions


@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=12),
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=12),
)
@settings(max_examples=300, deadline=None)
def test_the_oracles_bound_is_never_below_its_score(a: list[str], b: list[str]) -> None:
    one, other = Member(a), Member(b)
    assert one.bound(other) >= one.score(other) and one.bound(other) == other.bound(one)


def test_the_oracles_bound_keeps_pairs_a_float_above_the_threshold() -> None:
    # 7 of 10 and 10 tokens: rouge-score says 0.7000000000000001 > 0.7; the bound must not skip it.
    member = Member.of("a b c d e f g h i j")
    candidate = Member.of("a b c d e f g x y z")
    assert scores_that_matter(candidate, [member], 0.7) == {
        0: oracle_score("a b c d e f g x y z", "a b c d e f g h i j")
    }
    assert scores_that_matter(candidate, [member], 0.71) == {}


def fast_greedy(
    texts: list[str],
    threshold: float,
    seeds: int = 0,
    prime: bool = False,
    common_after: int = 32,
    numpy_from: int = 160,
) -> list[tuple[int, float] | None]:
    pool = RougeIndex(threshold, common_after=common_after, numpy_from=numpy_from)
    if prime:
        pool.prime(texts)
    for text in texts[:seeds]:
        pool.add(text)
    decisions: list[tuple[int, float] | None] = []
    for text in texts[seeds:]:
        match = pool.check_and_add(text)
        decisions.append(None if match is None else (match.index, match.score))
    return decisions


# -- tokenization and score ---------------------------------------------------------------

TRICKY_TEXTS = [
    "",
    "   ",
    "!!!???",
    "Hello, World!",
    "Write a poem -- about CATS (and dogs).",
    "naïve café résumé",  # accented letters are not [a-z]: they split tokens
    "\u212aelvin",  # KELVIN SIGN lower-cases to ASCII "k"
    "\u0130stanbul",  # dotted capital I lower-cases to "i" + combining dot
    "ﬁne ﬂow",  # ligatures stay non-ASCII after lower()
    "snake_case and kebab-case and camelCase",
    "x1y2 3.14 1,000,000 2+2=4",
    "tab\tnew\nline\r\nend",
    "\uff21\uff22\uff23 full width",
    "emoji 🙂 in the middle🙂end",
    "ǅ ǈ titlecase digraphs",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_rouge_tokens_match_rouge_score_tokenizer(text: str) -> None:
    assert rouge_tokens(text) == ORACLE_TOKENIZE(text)


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_rouge_tokens_match_on_any_text(text: str) -> None:
    assert rouge_tokens(text) == ORACLE_TOKENIZE(text)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
@settings(max_examples=300, deadline=None)
def test_rouge_tokens_match_on_ascii_text(text: str) -> None:
    """ASCII text takes a faster path (byte translation): same tokens."""
    assert rouge_tokens(text) == ORACLE_TOKENIZE(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("", ""),
        ("", "write a poem"),
        ("???", "write a poem"),
        ("write a poem", "write a poem"),
        ("write a poem about cats", "write a short poem about dogs"),
        ("a a a b", "a b a a"),
        ("the cat sat on the mat", "the mat sat on the cat"),
        ("one", "one two three four five six seven eight nine ten"),
    ],
)
def test_rouge_l_f_matches_rouge_score(a: str, b: str) -> None:
    ours = rouge_l_f(rouge_tokens(a), rouge_tokens(b))
    assert ours == oracle_score(a, b)
    assert ours == rouge_l_f(rouge_tokens(b), rouge_tokens(a))  # symmetric, bit for bit


@given(
    st.lists(st.sampled_from("abcde"), max_size=15),
    st.lists(st.sampled_from("abcde"), max_size=15),
)
@settings(max_examples=200, deadline=None)
def test_rouge_l_f_matches_rouge_score_on_token_lists(a: list[str], b: list[str]) -> None:
    assert rouge_l_f(a, b) == rouge_scorer._score_lcs(a, b).fmeasure


THRESHOLDS = [0.7, 0.0, 0.1, 0.5, 2 / 3, 0.75, 0.8, 0.9, 0.95, 1.0]


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_required_lcs_is_the_oracles_float_decision(threshold: float) -> None:
    """For every pair of lengths, LCS >= required(la, lb) exactly when rouge-score's float F > t.

    This covers the boundary: e.g. 7 of 10 tokens is exactly 0.7 in rationals, and the
    decision must follow rouge-score's float arithmetic, not the rational value.
    """
    index = RougeIndex(threshold)
    for len_a, len_b in itertools.product(range(1, 41), repeat=2):
        required = index._bounds.required(len_a, len_b)
        for lcs in range(min(len_a, len_b) + 1):
            oracle = scoring.fmeasure(lcs / len_b, lcs / len_a) > threshold
            assert (required > 0 and lcs >= required) == oracle, (threshold, len_a, len_b, lcs)


def test_boundary_follows_rouge_score_floats_not_rationals() -> None:
    # 7 shared of 10 vs 10 tokens: F is 0.7 in floats too, not "> 0.7": kept.
    member = "t0 t1 t2 t3 t4 t5 t6 t7 t8 t9"
    candidate = "t0 t1 t2 t3 t4 t5 t6 u7 u8 u9"
    assert oracle_score(candidate, member) == 0.7
    assert fast_greedy([member, candidate], 0.7, seeds=1) == [None]
    # 7 shared of 9 vs 11: 14/20 is 0.7 in rationals but 0.7000000000000001 in rouge-score's
    # floats, so the oracle drops it, and so must we.
    member = "t0 t1 t2 t3 t4 t5 t6 v7 v8 v9 v10"
    candidate = "t0 t1 t2 t3 t4 t5 t6 u7 u8"
    assert oracle_score(candidate, member) > 0.7
    assert fast_greedy([member, candidate], 0.7, seeds=1) == [(0, oracle_score(candidate, member))]


# -- the greedy rule: fast == naive -------------------------------------------------------

WORDS = ["a", "b", "c", "the", "of", "x1", "write", "poem"]


@st.composite
def sentences(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.sampled_from(WORDS), max_size=14))


def render(draw: st.DrawFn, tokens: list[str]) -> str:
    """Tokens as text with varied case, punctuation and spacing (all invisible to ROUGE)."""
    separator = draw(st.sampled_from([" ", ", ", "-", "  ", "\n", "; "]))
    text = separator.join(tokens)
    return draw(st.sampled_from([text, text.upper(), text.capitalize() + "?", f"({text})!"]))


@st.composite
def corpora(draw: st.DrawFn) -> list[str]:
    """Texts built to stress the filters: repeats, reorderings, sub/supersequences, small edits."""
    bases = draw(st.lists(sentences(), min_size=1, max_size=6))
    texts: list[str] = []
    for _ in range(draw(st.integers(1, 22))):
        tokens = list(draw(st.sampled_from(bases)))
        kind = draw(st.sampled_from(["same", "new", "edit", "shuffle", "shorter", "longer", "repeat"]))
        if kind == "new":
            tokens = draw(sentences())
        elif kind == "edit" and tokens:
            at = draw(st.integers(0, len(tokens) - 1))
            tokens[at] = draw(st.sampled_from([*WORDS, "zz", "q9"]))
        elif kind == "shuffle":
            tokens = draw(st.permutations(tokens))
        elif kind == "shorter" and tokens:
            tokens = tokens[draw(st.integers(0, len(tokens))) :]
        elif kind == "longer":
            tokens = tokens + draw(sentences())
        elif kind == "repeat":
            tokens = tokens + [draw(st.sampled_from(WORDS))] * draw(st.integers(1, 6))
        texts.append(render(draw, tokens))
    return texts


threshold_strategy = st.one_of(st.sampled_from(THRESHOLDS), st.floats(0.0, 1.0))


# common_after=1..3 sends most elements through the pair index even in small corpora.
common_after_strategy = st.sampled_from([1, 2, 3, 32])
# The candidate filter has a plain-Python and a numpy path: 0 forces numpy, a huge value Python.
numpy_from_strategy = st.sampled_from([0, 160, 10**9])


@given(
    corpora(),
    threshold_strategy,
    st.integers(0, 4),
    st.booleans(),
    common_after_strategy,
    numpy_from_strategy,
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fast_greedy_equals_naive_greedy(
    texts: list[str], threshold: float, seeds: int, prime: bool, common_after: int, numpy_from: int
) -> None:
    expected = naive_greedy(texts, threshold, seeds)
    assert fast_greedy(texts, threshold, seeds, prime, common_after, numpy_from) == expected


@st.composite
def near_threshold_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two texts whose LCS sits within one token of what the threshold needs, in random order."""
    len_a = draw(st.integers(1, 30))
    len_b = draw(st.integers(max(1, math.ceil(len_a * 0.5)), min(60, len_a * 2)))
    target = 0.7 * (len_a + len_b) / 2
    lcs = min(len_a, len_b, max(0, round(target) + draw(st.integers(-1, 1))))
    shared = [f"s{i}" for i in range(lcs)]
    only_a = [f"a{i}" for i in range(len_a - lcs)]
    only_b = [f"b{i}" for i in range(len_b - lcs)]
    # Interleave the private tokens at random places; the shared ones keep their order.
    a = draw(st.permutations(shared + only_a)) if draw(st.booleans()) else shared + only_a
    b = shared + only_b
    rng = random.Random(draw(st.integers(0, 2**16)))
    rng.shuffle(only_b)
    return " ".join(a), " ".join(b)


@given(
    near_threshold_pairs(),
    st.sampled_from([0.7, 0.5, 0.75, 2 / 3]),
    st.sampled_from([1, 32]),
    numpy_from_strategy,
)
@settings(max_examples=300, deadline=None)
def test_near_threshold_pairs_decide_like_the_oracle(
    pair: tuple[str, str], threshold: float, common_after: int, numpy_from: int
) -> None:
    member, candidate = pair
    texts = [member, candidate]
    fast = fast_greedy(texts, threshold, 1, common_after=common_after, numpy_from=numpy_from)
    assert fast == naive_greedy(texts, threshold, 1)


@given(
    st.lists(st.lists(st.sampled_from(["x", "y", "z"]), max_size=20), min_size=2, max_size=12),
    common_after_strategy,
    numpy_from_strategy,
)
@settings(max_examples=100, deadline=None)
def test_repeated_tokens_tiny_vocabulary(
    token_lists: list[list[str]], common_after: int, numpy_from: int
) -> None:
    texts = [" ".join(tokens) for tokens in token_lists]
    fast = fast_greedy(texts, 0.7, common_after=common_after, numpy_from=numpy_from)
    assert fast == naive_greedy(texts, 0.7)


@pytest.mark.parametrize("numpy_from", [0, 10**9])
@pytest.mark.parametrize("common_after", [2, 8, 32])
def test_realistic_sample_equals_naive_greedy(common_after: int, numpy_from: int) -> None:
    """Template-like sentences with slot words, as a teacher produces: many near misses."""
    rng = random.Random(7)
    templates = ["write a {} poem about {}", "explain the {} of {} to a {}", "give {} examples of {} {}"]
    slots = ["short", "funny", "cats", "dogs", "water", "history", "child", "three", "red", "big", "the"]
    texts = []
    for _ in range(250):
        template = rng.choice(templates)
        text = template.format(*(rng.choice(slots) for _ in range(template.count("{}"))))
        texts.append(text + rng.choice(["", " in one sentence", " step by step", "."]))
    expected = naive_greedy(texts, 0.7, seeds=5)
    fast = fast_greedy(texts, 0.7, seeds=5, prime=True, common_after=common_after, numpy_from=numpy_from)
    assert fast == expected


@pytest.mark.parametrize("first_code", [0xD7F0, 0x10FFF0])
def test_code_points_near_surrogates_and_past_unicode(first_code: int) -> None:
    """Token ids in the surrogate range, and ids beyond U+10FFFF (stored as int lists).

    Reaching these ranges for real takes ~1M distinct tokens; starting the id counter
    there exercises the same code path on a small corpus.
    """
    rng = random.Random(first_code)
    words = [f"w{i}" for i in range(40)]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 10))) for _ in range(120)]
    index = RougeIndex(0.5)
    index._vocabulary.next_code = first_code
    decisions = []
    for text in texts:
        match = index.check_and_add(text)
        decisions.append(None if match is None else (match.index, match.score))
    assert decisions == naive_greedy(texts, 0.5)
    assert any(isinstance(seq, list) for seq in index._seqs) == (first_code > 0x10FFFF - 40)


def test_very_long_member_is_still_found() -> None:
    # Index entries pack a length in 16 bits; longer members take a separate path.
    huge = " ".join(f"w{i}" for i in range(70_000))
    pool = RougeIndex(0.0)
    pool.add(huge)
    pool.add("something else entirely")
    assert pool.find_similar("w5 zz") == Match(0, oracle_score("w5 zz", huge))
    assert pool.find_similar("nothing shared") is None
    assert pool.find_similar(huge + " extra") == Match(0, scoring.fmeasure(1.0, 70_000 / 70_001))


def test_one_shared_token_is_enough_when_r_is_1() -> None:
    # With threshold 0 one shared token is a match. common_after=1 makes "a" common at
    # once, so later members containing it are found through the r = 1 side list.
    texts = ["a b c d", "a b", "a c", "x y"]
    pool = RougeIndex(0.0, common_after=1)
    for text in texts:
        pool.add(text)
    assert pool.find_similar("a") == Match(1, oracle_score("a", "a b"))
    assert fast_greedy([*texts, "a", "y"], 0.0, seeds=4, common_after=1) == naive_greedy(
        [*texts, "a", "y"], 0.0, seeds=4
    )


# -- RougeIndex API -------------------------------------------------------------------------


def test_find_similar_returns_best_member_and_does_not_add() -> None:
    pool = RougeIndex()
    pool.add("write a poem about the sea")
    pool.add("write a short poem about the sea at night")
    pool.add("explain how tides work")
    assert len(pool) == 3
    match = pool.find_similar("Write a short poem about the sea at dawn!")
    assert match == Match(1, oracle_score("write a short poem about the sea at dawn", pool_text(1)))
    assert pool.find_similar("explain photosynthesis to a child") is None
    assert len(pool) == 3


def pool_text(index: int) -> str:
    return ["write a poem about the sea", "write a short poem about the sea at night"][index]


def test_check_and_add_adds_only_when_unmatched() -> None:
    pool = RougeIndex(0.7)
    assert pool.check_and_add("list three uses of copper") is None
    assert pool.check_and_add("List three uses of copper.") == Match(0, 1.0)
    assert pool.check_and_add("describe the water cycle") is None
    assert len(pool) == 2


def test_ignored_members_are_not_compared() -> None:
    pool = RougeIndex(0.7)
    pool.extend(["write a poem about the sea", "write a short poem about the sea at night"])
    text = "Write a short poem about the sea at dawn!"
    assert pool.find_similar(text, ignore=(1,)) == Match(0, oracle_score(text.lower()[:-1], pool_text(0)))
    assert pool.find_similar(text, ignore=(0, 1)) is None
    assert pool.check_and_add(text, ignore=[0, 1]) is None and len(pool) == 3  # added
    assert pool.check_and_add(text, ignore=[0, 1]) == Match(2, 1.0)


def test_empty_token_texts_never_match() -> None:
    # rouge-score scores 0 when either side has no tokens, so "???" is never > threshold.
    pool = RougeIndex(0.0)
    assert pool.check_and_add("???") is None
    assert pool.check_and_add("!!!") is None
    assert pool.check_and_add("a") is None
    assert pool.find_similar("") is None
    assert pool.find_similar("a b") == Match(2, oracle_score("a b", "a"))


def test_extend_primes_and_adds_in_order() -> None:
    texts = ["the cat sat", "a dog ran far", "the cat sat down"]
    pool = RougeIndex()
    assert list(pool.extend(texts)) == [0, 1, 2]
    assert pool.find_similar("the cat sat down!") == Match(2, 1.0)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_threshold_out_of_range_is_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        RougeIndex(bad)
    with pytest.raises(ValueError, match="common_after"):
        RougeIndex(0.7, common_after=0)


def test_threshold_one_keeps_everything() -> None:
    assert fast_greedy(["a b", "a b", "a b c"], 1.0) == [None, None, None]


# -- exact duplicates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (("Write a poem.", ""), ("write a poem", "")),
        (("Write   a\tpoem", "about cats"), ("WRITE A POEM!", "About cats...")),
        (("Hello, world", ""), ("hello world", "")),
        (("\uff21\uff22\uff23", ""), ("abc", "")),  # NFKC: full-width letters
        (("Straße", ""), ("STRASSE", "")),  # case folding, not just lower()
        (("well-known", ""), ("well known", "")),
    ],
)
def test_normalize_key_equal(left: tuple[str, str], right: tuple[str, str]) -> None:
    assert normalize_key(*left) == normalize_key(*right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (("a b", ""), ("a", "b")),  # instruction/input boundary matters
        (("Write a poem", "cats"), ("Write a poem", "dogs")),
        (("café", ""), ("cafe", "")),  # accents are kept
        (("x1", ""), ("x 1", "")),
    ],
)
def test_normalize_key_different(left: tuple[str, str], right: tuple[str, str]) -> None:
    assert normalize_key(*left) != normalize_key(*right)


def test_exact_index_remembers_first_reference() -> None:
    exact = ExactIndex()
    assert exact.check_and_add("k1", ref=10) is None
    assert exact.check_and_add("k1", ref=11) == 10
    assert exact.add("k2") == 1
    assert exact.add("k2", ref=99) == 1
    assert exact.seen("k1") and exact.seen("k2") and not exact.seen("k3")
    assert exact.find("k3") is None
    assert len(exact) == 2


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_normalize_key_ascii_fast_path_matches_the_general_rule(text: str) -> None:
    # ASCII text takes a byte-translation shortcut; it must give the documented rule's key.
    rule = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()
    assert normalize_key(text, text) == f"{rule}\n{rule}"


def test_texts_too_long_to_pack_still_match_as_the_naive_rule_says() -> None:
    """Above 65,535 tokens a text is compared apart from the packed index; above ~122K tokens
    every partner that can match is itself that long (it was once never compared)."""
    from synthgen.dedup.rouge import rouge_l_f, rouge_tokens
    from synthgen.dedup.rouge_index import RougeIndex

    def words(count: int, changed: int = -1) -> str:
        return " ".join("zz" if i == changed else f"w{i}" for i in range(count))

    pool = [words(130_000), words(75_000, changed=3)]
    index = RougeIndex(0.7)
    for text in pool:
        index.add(text)
    for candidate in (words(130_000, changed=5), words(80_000), words(60_000), words(40_000)):
        scores = [rouge_l_f(rouge_tokens(candidate), rouge_tokens(member)) for member in pool]
        best = max(range(len(pool)), key=lambda m: (scores[m], -m))
        expected = best if scores[best] > 0.7 else None
        match = index.find_similar(candidate)
        assert (None if match is None else match.index) == expected, len(rouge_tokens(candidate))
        if match is not None:
            assert match.score == scores[best]
