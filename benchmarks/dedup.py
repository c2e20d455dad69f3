"""Benchmark of the ROUGE-L dedup rule (issue 6): fast index vs the naive greedy rule.

    python benchmarks/dedup.py                       # N = 52,000 and 500,000
    python benchmarks/dedup.py --sizes 52000 --check-samples 3

For each N, in a fresh child process (so peak memory is that run's alone), it builds a
corpus of instruction-like sentences with a controlled share of near-duplicates and exact
duplicates (no downloads), then:

* runs the greedy rule with :class:`synthgen.dedup.RougeIndex` (exact keys first, then
  ROUGE-L > threshold), as ``synthgen dedup`` does: time, peak RSS, records kept;
* times the naive rule, each candidate against every pool member with rouge-score
  (what Alpaca's ``generate_instruction.py`` does, minus its process pool), on the first
  ``--naive-sample`` records, and extrapolates it to N by the number of pair comparisons
  the naive rule would make there (sum over candidates of the pool size when it arrives,
  known from the fast run) -- the O(N^2) cost;
* checks the fast decisions (kept or not, matched index, score) against the naive rule
  with rouge-score as oracle on ``--check-samples`` random samples of the corpus.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

from synthgen.dedup import ExactIndex, RougeIndex, normalize_key

# -- corpus -----------------------------------------------------------------------------

_VERBS = [
    "write",
    "explain",
    "describe",
    "list",
    "summarize",
    "classify",
    "generate",
    "create",
    "compare",
    "rewrite",
    "translate",
    "identify",
    "suggest",
    "design",
    "find",
    "calculate",
    "edit",
    "provide",
    "give",
    "name",
    "outline",
    "compose",
    "brainstorm",
    "develop",
    "propose",
    "evaluate",
    "analyze",
    "predict",
    "convert",
    "recommend",
    "draft",
    "prepare",
    "construct",
    "produce",
    "formulate",
    "rank",
    "sort",
    "categorize",
    "paraphrase",
    "simplify",
    "expand",
    "shorten",
    "critique",
    "review",
    "discuss",
    "illustrate",
    "define",
    "demonstrate",
    "estimate",
    "justify",
    "interpret",
    "debug",
    "optimize",
    "plan",
    "organize",
]
_FORMS = [
    "poem",
    "story",
    "short story",
    "essay",
    "email",
    "list",
    "paragraph",
    "tweet",
    "headline",
    "summary",
    "recipe",
    "plan",
    "letter",
    "cover letter",
    "review",
    "product review",
    "slogan",
    "dialogue",
    "question",
    "report",
    "speech",
    "article",
    "blog post",
    "description",
    "product description",
    "joke",
    "riddle",
    "limerick",
    "haiku",
    "advertisement",
    "outline",
    "press release",
    "job posting",
    "lesson plan",
    "quiz",
    "survey",
    "menu",
    "itinerary",
    "checklist",
    "tutorial",
    "song",
    "news story",
    "memo",
    "proposal",
    "analogy",
    "metaphor",
    "mission statement",
    "biography",
    "interview question",
    "thank you note",
    "toast",
    "sonnet",
    "script",
    "abstract",
    "policy",
    "rubric",
    "workout routine",
    "mnemonic",
    "definition",
]
_ADJECTIVES = [
    "short",
    "brief",
    "detailed",
    "creative",
    "persuasive",
    "formal",
    "funny",
    "simple",
    "clear",
    "concise",
    "informative",
    "friendly",
    "professional",
    "catchy",
    "original",
    "polite",
    "emotional",
    "humorous",
    "thoughtful",
    "engaging",
    "practical",
    "new",
    "modern",
    "traditional",
    "common",
    "important",
    "different",
    "effective",
    "efficient",
    "sustainable",
    "healthy",
    "affordable",
    "popular",
    "unusual",
    "historical",
    "scientific",
    "political",
    "economic",
    "environmental",
    "cultural",
    "social",
    "digital",
    "local",
    "global",
    "personal",
    "ethical",
    "technical",
    "strategic",
    "memorable",
    "inspiring",
    "surprising",
    "realistic",
    "fictional",
    "poetic",
    "dramatic",
    "optimistic",
    "critical",
    "balanced",
    "accurate",
    "reliable",
    "secure",
    "safe",
    "quick",
    "easy",
    "difficult",
    "complex",
    "rare",
    "ancient",
    "future",
    "urban",
    "rural",
    "natural",
    "artificial",
]
_AUDIENCES = [
    "a child",
    "a beginner",
    "a teenager",
    "an expert",
    "a customer",
    "a friend",
    "your manager",
    "a new employee",
    "a student",
    "the general public",
    "a group of investors",
    "a five year old",
    "a software engineer",
    "a history teacher",
    "a small business owner",
    "a nurse",
    "a tourist",
    "a college applicant",
    "a retired couple",
    "a sports fan",
    "a first time voter",
    "a non native speaker",
    "a job seeker",
    "a city council",
    "a science class",
]
_QUALIFIERS = (
    "in [one|two|three|five] sentences",
    "in [less than|under|at most] [50|100|200] words",
    "using [simple|everyday|plain] [words|language]",
    "step by step",
    "with [examples|an example|two examples]",
    "in a [formal|casual|friendly|neutral] tone",
    "in bullet points",
    "in the style of [a news report|a fairy tale|<w>|a <form>]",
    "for a [school|company|club|<w>] newsletter",
    "without using [technical terms|jargon|the word <w>]",
    "as a numbered list",
    "in the second person",
    "using at least one [metaphor|simile|rhetorical question]",
    "from the point of view of a <w>",
    "in a table",
    "with a [clear|short|strong] conclusion",
    "for social media",
    "in the past tense",
    "with a call to action",
)
_ASPECTS = [
    "differences",
    "similarities",
    "benefits",
    "causes",
    "effects",
    "advantages",
    "disadvantages",
    "risks",
    "uses",
    "consequences",
    "origins",
    "features",
    "limitations",
    "challenges",
    "goals",
    "principles",
]
_PREPOSITIONS = ["of", "for", "in", "with", "from", "about", "on", "during", "without", "under"]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "po",
    "ve",
    "da",
    "gri",
    "ton",
    "mel",
    "fas",
    "bir",
    "cor",
    "nu",
    "lan",
    "pe",
    "sho",
    "quin",
    "tra",
    "ex",
    "ol",
    "un",
    "ar",
    "is",
    "zen",
    "vor",
    "ply",
    "mar",
    "gel",
    "hu",
    "cy",
    "dro",
]


# Sentence patterns: "[a|b]" picks one alternative, "<slot>" is filled (see CorpusGenerator._fill).
# The alternatives stand for the many ways a teacher phrases the same kind of task.
_TEMPLATES = (
    "[write|compose|draft] a <adj> <form> [about|on|describing] <np>",
    "[write|create|prepare] a <form> [about|on] <np> [for|aimed at|addressed to] <aud>",
    "[explain|describe|outline] the <aspect> between <np> and <np>",
    "what are the [main|key|most important|biggest] <aspect> of <np>?",
    "how can <aud> [improve|strengthen|get better at] their <np>?",
    "[give|provide|list] <num> examples of <np> that are <adj>",
    "[classify|categorize|label] the following <np> as <w> or <w>",
    "rewrite the [following|given] sentence about <np> [to make it|so that it is|so it sounds] more <adj>",
    "summarize the [main idea|key points|central argument] of the <form> on <np>",
    "translate the [phrase|sentence|expression] '<w> <w>' into <w>",
    "[generate|come up with|suggest] a list of <num> <adj> names for a <np>",
    "describe a [typical|normal|busy] day [of|in the life of] a <np> [working|living] in <np>",
    "[suggest|propose|create] a <adj> title for a <form> about <np> and <np>",
    "[find|identify|pick out] the odd one out: <w>, <w>, <w>, <w>",
    "is <np> a good [choice|option|idea] for <np>? [explain why or why not|justify your answer|give reasons]",
    "[create|design|make] a <adj> plan to [learn|master|study] <np> in <num> [weeks|days|months]",
    "compare <np> [with|and|to] <np> in terms of <np>",
    "[identify|list|name] the <aspect> of using <np> [in|for|during] <np>",
    "[come up with|write|think of] a <adj> question about <np>",
    "[tell me|explain|describe] what <np> [means|is|refers to] and [give|provide|include] an example",
    "calculate the <w> of a <np> with <num> <w>",
    "edit this <form> so that it [sounds|reads|feels] <adj>: <np> <w> <np>",
    "[propose|suggest|list] <num> ways to [reduce|limit|cut] <np> [at|in|around] <np>",
    "predict what [will happen|happens|would happen] if <np> [stops|starts] <w>",
    "name a [famous|well known|notable] <np> from <w> and [describe|explain] why it matters",
    "<verb> <np> <prep> <np>",
    "<verb> the <aspect> of <np> for <aud>",
    "<verb> how <np> [affects|influences|changes] <np>",
    "using <np>, <verb> a <form> that <w> <np>",
    "given a <np> and a <np>, <verb> the <np>",
)
_CLAUSES = (
    ", considering <np>",
    " based on <np>",
    " and [explain|justify] your answer",
    " so that <aud> can understand it",
    " using what you know about <np>",
    " [while|without] mentioning <np>",
)
_ALTERNATIVES_RE = re.compile(r"\[([^\]]*)\]")
_SLOT_RE = re.compile(r"<(\w+)>")


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct made-up content words of 1-4 syllables."""
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class CorpusGenerator:
    """Deterministic stream of instruction-like sentences.

    Content words follow a Zipf-Mandelbrot law (weight 1/(rank+30)^1.1) over a pseudo-word
    vocabulary, so the vocabulary keeps growing with N as real text does. They fill about
    30 sentence patterns built from lists of task verbs, text forms, adjectives, audiences
    and closing qualifiers (real English words, which act as the frequent words), giving
    5-40 tokens, about 15 on average. A ``near_dup_share`` of the sentences are edits of an
    earlier one (1-3 word substitutions, deletions, insertions, swaps or an added phrase:
    some stay above 0.7, some fall below, so the near-threshold region is well covered);
    an ``exact_dup_share`` are earlier sentences with only case, punctuation and spacing
    changed. Templated sentences that differ only in a slot also collide by themselves, as
    they do in real self-instruct output.
    """

    def __init__(
        self,
        seed: int = 0,
        vocabulary: int = 200_000,
        near_dup_share: float = 0.10,
        exact_dup_share: float = 0.02,
    ) -> None:
        self.rng = random.Random(seed)
        self.vocab = _pseudo_words(self.rng, vocabulary)
        weights = (1.0 / (rank + 30) ** 1.1 for rank in range(vocabulary))
        self.cum_weights = list(itertools.accumulate(weights))
        self.near_dup_share = near_dup_share
        self.exact_dup_share = exact_dup_share
        self._word_buffer: list[str] = []

    def word(self) -> str:
        if not self._word_buffer:
            self._word_buffer = self.rng.choices(self.vocab, cum_weights=self.cum_weights, k=4096)
        return self._word_buffer.pop()

    def noun_phrase(self) -> str:
        rng = self.rng
        parts = [rng.choice(_ADJECTIVES)] if rng.random() < 0.4 else []
        parts.append(self.word())
        if rng.random() < 0.6:
            parts.append(self.word())
        if rng.random() < 0.4:
            parts += [rng.choice(_PREPOSITIONS), *rng.choice((["the"], [], [])), self.word()]
        return " ".join(parts)

    def fresh(self) -> str:
        text = self.expand(self.rng.choice(_TEMPLATES))
        if self.rng.random() < 0.35:
            text = text.rstrip("?") + self.expand(self.rng.choice(_CLAUSES))
        if self.rng.random() < 0.4:
            text += " " + self.expand(self.rng.choice(_QUALIFIERS))
        if self.rng.random() < 0.1:
            text = self.rng.choice(("Please ", "Can you ", "I need you to ")) + text[0].lower() + text[1:]
        text = text[0].upper() + text[1:]
        return text if text.endswith("?") else text + "."

    def expand(self, template: str) -> str:
        """Fill ``[a|b]`` with one alternative and each ``<slot>`` with a fresh filler."""
        text = _ALTERNATIVES_RE.sub(lambda m: self.rng.choice(m.group(1).split("|")), template)
        return _SLOT_RE.sub(lambda m: self._fill(m.group(1)), text)

    def _fill(self, slot: str) -> str:
        rng = self.rng
        fillers = {
            "np": self.noun_phrase,
            "w": self.word,
            "verb": lambda: rng.choice(_VERBS),
            "form": lambda: rng.choice(_FORMS),
            "adj": lambda: rng.choice(_ADJECTIVES),
            "aud": lambda: rng.choice(_AUDIENCES),
            "aspect": lambda: rng.choice(_ASPECTS),
            "num": lambda: str(rng.randint(2, 12)),
            "prep": lambda: rng.choice(_PREPOSITIONS),
        }
        return fillers[slot]()

    def near_duplicate(self, original: str) -> str:
        rng = self.rng
        words = original.rstrip(".?").split()
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            action = rng.randrange(6)
            at = rng.randrange(len(words))
            if action == 0:
                words[at] = self.word()
            elif action == 1 and len(words) > 3:
                del words[at]
            elif action == 2:
                words.insert(at, rng.choice((self.word(), rng.choice(_ADJECTIVES))))
            elif action == 3 and at + 1 < len(words):
                words[at], words[at + 1] = words[at + 1], words[at]
            elif action == 4:
                words += rng.choice(_QUALIFIERS).split()
            else:
                words[at] = rng.choice(_ADJECTIVES + _VERBS)
        return " ".join(words) + rng.choice((".", "?", ""))

    def exact_duplicate(self, original: str) -> str:
        rng = self.rng
        text = rng.choice((original.upper(), original.lower(), original))
        return "  ".join(text.split()) + rng.choice(("!", "", " .", "..."))

    def sentences(self, n: int) -> list[str]:
        out: list[str] = []
        for _ in range(n):
            roll = self.rng.random()
            if out and roll < self.exact_dup_share:
                out.append(self.exact_duplicate(self.rng.choice(out)))
            elif out and roll < self.exact_dup_share + self.near_dup_share:
                out.append(self.near_duplicate(self.rng.choice(out)))
            else:
                out.append(self.fresh())
        return out


# -- the rule, fast and naive -----------------------------------------------------------


@dataclass
class Decisions:
    """Per candidate: None when kept, else (reason, matched pool index, score)."""

    outcome: list[tuple[str, int, float] | None]
    comparisons: int  # pair comparisons the naive rule makes on this input
    tail_us: float = 0.0  # mean time of one ROUGE check over the last 2,000 candidates


def fast_dedup(texts: list[str], threshold: float, seeds: int = 0, prime: bool = True) -> Decisions:
    """The rule as ``synthgen dedup`` applies it: exact key, then ROUGE-L against the pool.

    ``prime=False`` is the generate loop's situation: no token statistics up front.
    """
    pool, exact = RougeIndex(threshold), ExactIndex()
    if prime:
        pool.prime(texts)
    outcome: list[tuple[str, int, float] | None] = []
    comparisons, tail_s, tail_from = 0, 0.0, len(texts) - 2000
    for position, text in enumerate(texts):
        key = normalize_key(text)
        if position < seeds:
            exact.add(key, pool.add(text))
            continue
        comparisons += len(pool)
        earlier = exact.find(key)
        if earlier is not None:
            outcome.append(("exact", earlier, 1.0))
            continue
        started = time.perf_counter()
        match = pool.check_and_add(text)
        if position >= tail_from:
            tail_s += time.perf_counter() - started
        if match is None:
            exact.add(key, len(pool) - 1)
            outcome.append(None)
        else:
            outcome.append(("similar", match.index, match.score))
    return Decisions(outcome, comparisons, tail_s / min(2000, len(texts)) * 1e6)


def naive_dedup(texts: list[str], threshold: float, seeds: int = 0) -> Decisions:
    """The same rule with rouge-score scoring the candidate against every pool member."""
    from rouge_score import rouge_scorer, tokenizers

    tokenize = tokenizers.DefaultTokenizer(use_stemmer=False).tokenize
    pool: list[list[str]] = []
    keys: dict[str, int] = {}
    outcome: list[tuple[str, int, float] | None] = []
    comparisons = 0
    for position, text in enumerate(texts):
        key, tokens = normalize_key(text), tokenize(text)
        if position >= seeds:
            comparisons += len(pool)
            if key in keys:
                outcome.append(("exact", keys[key], 1.0))
                continue
            # _score_lcs(target=new, prediction=old), as Alpaca's generate_instruction.py calls it
            scores = [rouge_scorer._score_lcs(tokens, old).fmeasure for old in pool]
            best = max(scores, default=0.0)
            if best > threshold:
                outcome.append(("similar", scores.index(best), best))
                continue
            outcome.append(None)
        keys.setdefault(key, len(pool))
        pool.append(tokens)
    return Decisions(outcome, comparisons)


def naive_rapidfuzz_seconds(texts: list[str], threshold: float) -> tuple[float, int]:
    """Time of the naive greedy rule with rapidfuzz's C LCS instead of rouge-score's Python.

    Every candidate is still compared with every pool member, in one C loop per candidate:
    rapidfuzz's Indel normalized similarity is 2*LCS/(la+lb), ROUGE-L F up to float
    rounding, so a cutoff a hair below the threshold keeps every possible match, and the
    few survivors are scored exactly. Returns (seconds, pair comparisons).
    """
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    from synthgen.dedup import rouge_l_f, rouge_tokens

    ids: dict[str, int] = {}
    pool: list[str] = []
    comparisons = 0
    started = time.perf_counter()
    for text in texts:
        seq = "".join(chr(ids.setdefault(tok, len(ids) + 1)) for tok in rouge_tokens(text))
        comparisons += len(pool)
        near = process.extract(
            seq, pool, scorer=Indel.normalized_similarity, score_cutoff=threshold - 1e-9, limit=None
        )
        if not any(rouge_l_f(seq, choice) > threshold for choice, _, _ in near):
            pool.append(seq)
    return time.perf_counter() - started, comparisons


# -- one size, in a child process -------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_size(args: argparse.Namespace, n: int) -> dict[str, object]:
    """Everything measured for one N (run in a child process)."""
    t0 = time.perf_counter()
    texts = CorpusGenerator(seed=args.seed).sentences(n)
    corpus_s = time.perf_counter() - t0
    rss_before = _rss_mb()

    t0 = time.perf_counter()
    fast = fast_dedup(texts, args.threshold)
    fast_s = time.perf_counter() - t0
    peak = _rss_mb()
    kept = sum(o is None for o in fast.outcome)
    exact = sum(o is not None and o[0] == "exact" for o in fast.outcome)
    result: dict[str, object] = {
        "n": n,
        "corpus_s": round(corpus_s, 1),
        "fast_s": round(fast_s, 1),
        "us_per_record": round(fast_s / n * 1e6),
        "us_per_check_last_2000": round(fast.tail_us),
        "peak_rss_mb": round(peak),
        "rss_before_index_mb": round(rss_before),
        "kept": kept,
        "dropped_exact": exact,
        "dropped_similar": n - kept - exact,
    }
    if n <= args.unprimed_up_to:
        t0 = time.perf_counter()
        unprimed = fast_dedup(texts, args.threshold, prime=False)
        result["fast_unprimed_s"] = round(time.perf_counter() - t0, 1)
        result["unprimed_us_per_check_last_2000"] = round(unprimed.tail_us)
        assert unprimed.outcome == fast.outcome, "priming changed a decision"

    sample = texts[: args.naive_sample]
    t0 = time.perf_counter()
    naive = naive_dedup(sample, args.threshold)
    naive_s = time.perf_counter() - t0
    naive_full_s = naive_s / max(1, naive.comparisons) * fast.comparisons
    rf_s, rf_comparisons = naive_rapidfuzz_seconds(texts[: args.naive_sample * 4], args.threshold)
    rf_full_s = rf_s / max(1, rf_comparisons) * fast.comparisons
    result.update(
        naive_sample=len(sample),
        naive_sample_s=round(naive_s, 1),
        naive_extrapolated_s=round(naive_full_s),
        speedup=round(naive_full_s / fast_s),
        naive_rapidfuzz_extrapolated_s=round(rf_full_s),
        speedup_vs_naive_rapidfuzz=round(rf_full_s / fast_s, 1),
    )

    # Oracle checks: the timed prefix, random samples of the corpus (in corpus order), and
    # a dense sample (40% near-duplicates) so that many decisions sit near the threshold.
    checks = [(sample, naive)]
    rng = random.Random(args.seed + 1)
    for _ in range(args.check_samples):
        picked = sorted(rng.sample(range(n), min(n, args.check_size)))
        checks.append(([texts[i] for i in picked], None))
    dense = CorpusGenerator(seed=args.seed + 2, vocabulary=20_000, near_dup_share=0.4)
    checks.append((dense.sentences(args.check_size), None))
    identical, decisions, dropped = 0, 0, 0
    for subset, oracle in checks:
        expected = (oracle or naive_dedup(subset, args.threshold)).outcome
        got = fast_dedup(subset, args.threshold).outcome
        identical += got == expected
        decisions += len(expected)
        dropped += sum(o is not None for o in expected)
    result["oracle_samples_identical"] = f"{identical}/{len(checks)}"
    result["oracle_decisions_checked"] = f"{decisions:,} ({dropped:,} drops)"
    return result


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def _rows(results: list[dict[str, object]]) -> Iterator[str]:
    yield (
        "| N | time | peak RSS | kept | exact / near dups | check at the end | naive rouge-score "
        "(extrapolated) | speed-up | naive rapidfuzz (extrapolated) | speed-up | oracle samples |"
    )
    yield "|---|---|---|---|---|---|---|---|---|---|---|"
    for r in results:
        yield (
            f"| {r['n']:,} | {r['fast_s']} s | {r['peak_rss_mb']} MB (corpus {r['rss_before_index_mb']} MB) "
            f"| {r['kept']:,} | {r['dropped_exact']:,} / {r['dropped_similar']:,} "
            f"| {r['us_per_check_last_2000']} µs | {r['naive_extrapolated_s']:,} s | {r['speedup']:,}x "
            f"| {r['naive_rapidfuzz_extrapolated_s']:,} s | {r['speedup_vs_naive_rapidfuzz']}x "
            f"| {r['oracle_samples_identical']} identical, {r['oracle_decisions_checked']} decisions |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[52_000, 500_000])
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive-sample", type=int, default=1500, help="records timed with the naive rule")
    parser.add_argument("--check-samples", type=int, default=3, help="random samples checked vs oracle")
    parser.add_argument("--check-size", type=int, default=1500, help="records per oracle sample")
    parser.add_argument(
        "--unprimed-up-to", type=int, default=100_000, help="also time without priming up to this N"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args, args.child)))
        return
    print(f"machine: {_machine()}", file=sys.stderr)
    results = []
    for n in args.sizes:
        argv = [sys.executable, __file__, *sys.argv[1:], "--child", str(n)]
        done = subprocess.run(argv, check=True, capture_output=True, text=True)
        result = json.loads(done.stdout)
        print(json.dumps(result), file=sys.stderr)
        results.append(result)
    print("\n".join(_rows(results)))


if __name__ == "__main__":
    main()
