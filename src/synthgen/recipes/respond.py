"""Response distillation: the teacher answers every row of a dataset (``synthgen respond``).

Plan: row ``r``, sample ``k`` is request ``r * samples + k`` (its seed is ``--seed + k``).
Screen: reject a cut-off or empty answer; split off a reasoning trace; with a verifier,
check the final answer against the row's reference (rejection sampling) and keep the
correct samples (``all-correct``), the first correct one (``first-correct``), or every one
with a ``verified`` flag in the meta file (``all``). Once a row's last sample is judged, its
pass@1 and pass@K (the unbiased estimator) join the report, and a row with no correct
sample is written to ``OUT.unsolved.jsonl``.

Soft targets (``--logprobs K``): every request asks for the top-K token logprobs; a kept
answer's go to ``OUT.logprobs.parquet`` (a ``logprobs`` side row, written before the row). An
answer without them is rejected (``no_logprobs``), and the run stops at once when an endpoint's
first answer has none (it ignores the parameter). ``--min-confidence X`` rejects answers whose
mean token logprob is below X (``low_confidence``), after verification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from synthgen.engine.recipe import Answer, Request, Row, StopHints, Tally, Verdict
from synthgen.errors import TeacherError
from synthgen.io.beside import SOFT_TARGETS
from synthgen.io.prompt_rows import PromptRow, alpaca_prompt
from synthgen.io.traces import TRACE_KEY, strip_traces
from synthgen.recipes.reasoning import format_inline, split_reasoning
from synthgen.recipes.respond_tally import Keep, SampleInfo, SampleTally
from synthgen.records import Completion
from synthgen.teacher.base import Message
from synthgen.teacher.logprobs import logprobs_request, no_logprobs_message
from synthgen.tokens import count_tokens
from synthgen.verify import Checker, as_reference, get_checker

CODE = "code"  # --verify code: the answer's code runs in the sandbox (recipes.respond_code)


@dataclass(frozen=True)
class RespondOptions:
    samples: int
    system: str | None
    reasoning: Literal["inline", "drop"]
    format: Literal["alpaca", "messages"]
    verify: str  # "none", a checker name, or "code"
    verify_pattern: str | None
    keep: Keep
    logprobs: int = 0  # top-K asked for with every request; 0: none
    min_confidence: float | None = None  # reject answers whose mean token logprob is lower


@dataclass
class RespondScreen:
    """Judges each answer; with ``checker``, verifies it and counts it in ``tally``. (With
    ``--verify code`` there is no checker here: the code review verifies the kept rows.)"""

    options: RespondOptions
    checker: Checker | None
    tally: SampleTally

    def screen(self, answer: Answer, limit: int) -> Verdict:
        info: SampleInfo = answer.payload
        verdict = Verdict(candidates=1)
        reason, row, correct = self._judge(answer, info, verdict)
        if reason is not None:
            verdict.rejected[reason] += 1
        else:  # (past the target the engine counts it as unused)
            verdict.kept.append(row)
            if answer.logprobs is not None and self.options.logprobs:
                soft = {"row": info.row, "sample": info.sample, "logprobs": answer.logprobs}
                verdict.side.append((SOFT_TARGETS, soft))
            self.tally.kept(info, correct)
        if info.last and self.checker is not None:
            self.tally.finish_row(info, verdict)
        return verdict

    def _judge(self, answer: Answer, info: SampleInfo, verdict: Verdict) -> tuple[str | None, Row, bool]:
        """(rejection reason or None, the row to write, whether the answer was verified correct)."""
        if answer.truncated:
            return "cut_off", {}, False
        if self.options.logprobs and answer.logprobs is None:
            verdict.metrics["answers_without_logprobs"] += 1
            return "no_logprobs", {}, False
        trace, text = split_reasoning(answer.text, answer.reasoning)
        if not text.strip():
            return "empty_output", {}, False
        verdict.metrics["answer_tokens"] += count_tokens(text)
        if trace:
            verdict.metrics["reasoning_tokens"] += count_tokens(trace)
        correct = False
        verdict.meta = {"row": info.row, "sample": info.sample}
        if self.checker is not None:
            prompt = alpaca_prompt(info.instruction, info.input)  # choice reads the options listed
            correct = self.checker.check(text, as_reference(info.reference), prompt)
            reason = self.tally.judge(info, correct, verdict)
            if reason is not None:
                return reason, {}, False
        if answer.logprobs is not None and self.options.logprobs:
            mean = answer.logprobs.mean_logprob()
            verdict.meta["mean_logprob"] = round(mean, 4)
            minimum = self.options.min_confidence
            if minimum is not None and mean < minimum:
                return "low_confidence", {}, correct
            verdict.metrics["soft_target_tokens"] += len(answer.logprobs.tokens)
        return None, self._row(info, trace, text), correct

    def _row(self, info: SampleInfo, trace: str | None, text: str) -> Row:
        kept_trace = trace if self.options.reasoning == "inline" else None
        if self.options.format == "alpaca":
            return {
                "instruction": info.instruction,
                "input": info.input,
                "output": format_inline(kept_trace, text),
            }
        assistant: dict[str, Any] = {"role": "assistant", "content": text}
        if self.options.reasoning == "inline":  # where chat templates, TRL and axolotl read it
            assistant[TRACE_KEY] = kept_trace or None
        return {"messages": [*self._prompt_turns(info), assistant]}

    def _prompt_turns(self, info: SampleInfo) -> list[dict[str, Any]]:
        """The conversation before the answer, its earlier turns' traces as the input had them
        (a field trace in the field, an inline ``<think>`` left in the content, as ``convert``
        keeps a messages row); with ``--reasoning drop``, without any trace."""
        system = _system(self.options.system, info.messages)
        if self.options.reasoning == "drop":
            return [*system, *strip_traces(list(info.messages))]
        # Every turn of every row gets the key, null where there is no trace (io/traces.py):
        # rows whose turns differ in keys make datasets read the column as List(Json).
        traces = [*(None for _ in system), *info.traces]
        turns = [*system, *info.messages]
        return [{**turn, TRACE_KEY: traces[i] if i < len(traces) else None} for i, turn in enumerate(turns)]


def _system(system: str | None, messages: list[Message]) -> list[Message]:
    if system is None or (messages and messages[0]["role"] == "system"):
        return []
    return [{"role": "system", "content": system}]


@dataclass(frozen=True)
class RespondScreenFactory:
    options: RespondOptions
    solved_rows: frozenset[int]

    def __call__(self) -> RespondScreen:
        checker = None
        if self.options.verify not in ("none", CODE):
            checker = get_checker(self.options.verify, pattern=self.options.verify_pattern)
        tally = SampleTally(self.options.keep, self.options.samples, set(self.solved_rows))
        return RespondScreen(self.options, checker, tally)


# What a run says when the teacher's answers stop being kept (see engine.recipe.StopHints).
STOP_HINTS = StopHints(
    rejected="their answers were turned away (top reasons: {top}); look at the teacher's answers",
    by_reason={
        "wrong_answer": "their answers did not match the references (top reasons: {top}); check "
        "--verify and --reference-field against the input, or keep every answer with --keep all",
        "cut_off": "their answers were cut off (top reasons: {top}); raise --max-tokens",
        "empty_output": "their answers were empty (top reasons: {top}); check the model and --system",
        "no_logprobs": "the server sent no logprobs (top reasons: {top}); use a server that "
        "returns them, or leave out --logprobs",
        "low_confidence": "their answers were below --min-confidence (top reasons: {top}); "
        "lower --min-confidence",
    },
)


class Respond:
    """The ``respond`` recipe; see the module docstring."""

    expected_rows_per_request = 1.0
    stop_hints = STOP_HINTS
    tally = Tally()  # no counts of its own: rows turned away are counted by reason

    def __init__(
        self, options: RespondOptions, rows: list[PromptRow], existing_meta: list[dict[str, Any]]
    ) -> None:
        self.options = options
        self.rows = rows
        self._extra_body = logprobs_request(options.logprobs) if options.logprobs else None
        self._endpoints_with_logprobs: set[str] = set()
        # first-correct on resume: rows whose correct sample is already written stay solved
        self.solved_rows = frozenset(
            m["row"] for m in existing_meta if isinstance(m.get("row"), int) and m.get("verified", True)
        )

    def plan(self, index: int) -> Request | None:
        row_index, sample = divmod(index, self.options.samples)
        if row_index >= len(self.rows):
            return None
        row = self.rows[row_index]
        last = sample == self.options.samples - 1
        info = SampleInfo(
            row_index,
            sample,
            row.reference,
            last,
            row.instruction,
            row.input,
            row.messages if self.options.format == "messages" else [],
            row.source if last else None,
            row.traces if self.options.format == "messages" else (),
        )
        messages = [*_system(self.options.system, row.messages), *row.messages]
        return Request(
            index, messages, payload=info, meta={"line": row.line}, sample=sample, extra_body=self._extra_body
        )

    def screen_factory(self) -> RespondScreenFactory:
        return RespondScreenFactory(self.options, self.solved_rows)

    @property
    def shard_group(self) -> int:
        """A row's samples go to one shard: its keep rule and pass@k look at all of them."""
        return self.options.samples

    def shard_screen_factory(self, counted: list[bool]) -> RespondScreenFactory:
        """Every decision is the row's own: a shard screens as a single run does."""
        return self.screen_factory()

    def validate(self, completion: Completion) -> None:
        """A cut-off answer is rejected with a reason, not retried. An endpoint whose first
        answer has no logprobs ignores the parameter: stop before writing a row without them."""
        if not self.options.logprobs:
            return
        endpoint = completion.endpoint or "the teacher"
        if completion.logprobs is not None:
            self._endpoints_with_logprobs.add(endpoint)
        elif endpoint not in self._endpoints_with_logprobs:
            raise TeacherError(no_logprobs_message(endpoint, self.options.logprobs))

    def observe(self, rows: list[Row]) -> None:
        return None
