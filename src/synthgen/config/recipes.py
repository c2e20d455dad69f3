"""Settings of the commands that make data with a recipe: generate, respond, evolve."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthgen.config.batch import BatchOptions
from synthgen.config.code_verify import CodeVerifyOptions
from synthgen.config.judging import InlineJudgeOptions
from synthgen.config.markers import FINGERPRINT, Fingerprint, Flag
from synthgen.config.shard import ShardOptions
from synthgen.config.shared import (
    SIMILARITY_THRESHOLD,
    FilterOptions,
    SimilarityThreshold,
    TeacherRunOptions,
)


class Settings(ShardOptions, BatchOptions, InlineJudgeOptions, FilterOptions, TeacherRunOptions):
    """Options of ``synthgen generate``."""

    # prompt
    mode: Annotated[
        Literal["tasks", "instructions"],
        Fingerprint(omit_default=True),  # added later: outputs made before it still resume
    ] = Field(
        "tasks", description="tasks: instruction, input and output; instructions: new instructions only."
    )
    seeds: Annotated[Path | None, Fingerprint(resolved=True), Flag(shown="the bundled seed tasks")] = Field(
        None, description="Seed tasks file (.jsonl or .json)."
    )
    prompt: Annotated[
        Path | None, Fingerprint(resolved=True), Flag(shown="the bundled template for --mode")
    ] = Field(None, description="Prompt template file.")
    examples_per_prompt: Annotated[int, FINGERPRINT] = Field(
        3, ge=1, le=20, description="Examples shown per request."
    )
    mix_generated: Annotated[int, FINGERPRINT] = Field(
        0, ge=0, description="How many of the examples come from generated ones (once available)."
    )
    tasks_per_request: Annotated[int, FINGERPRINT] = Field(
        20, ge=1, le=100, description="Tasks asked per request."
    )

    # dedup
    similarity_threshold: Annotated[SimilarityThreshold, FINGERPRINT] = Field(
        SIMILARITY_THRESHOLD, description="Drop if ROUGE-L F vs any kept instruction is above this."
    )
    # Not in the fingerprint: the rows are the same for any N (engine.screening).
    screen_workers: Annotated[int, Flag(metavar="N")] = Field(
        1,
        ge=1,
        le=64,
        description="Processes screening answers over HTTP: N-1 parse and filter, one deduplicates "
        "(same rows for any N; more than 1 helps with free cores).",
    )

    # output
    num: Annotated[int, Flag("-n")] = Field(100, ge=1, description="Target number of examples in the output.")
    add: Annotated[int | None, Flag(metavar="N")] = Field(
        None, ge=1, description="Grow an existing output by N examples."
    )

    @model_validator(mode="after")
    def _compatible_options(self, info: ValidationInfo) -> Settings:
        """Refuse combinations that would silently do something else than asked."""
        if self.add is not None and self.overwrite:
            raise ValueError(
                "--add grows the existing output, --overwrite replaces it: pass only one of them"
            )
        if self.add is not None and _num_conflicts_with_add(self, info):
            raise ValueError(
                "--add N grows the output by N examples and --num N sets its total size: "
                "pass only one of them"
            )
        if self.mix_generated > self.examples_per_prompt:
            raise ValueError(
                f"--mix-generated ({self.mix_generated}) is above --examples-per-prompt "
                f"({self.examples_per_prompt}): it says how many of the examples shown are generated ones"
            )
        if self.judge_model is not None and self.mode == "instructions":
            raise ValueError(
                "--judge-model grades answers, and --mode instructions writes none: judge them "
                "after `synthgen respond --judge-model ...` instead"
            )
        return self


class RespondSettings(ShardOptions, CodeVerifyOptions, BatchOptions, InlineJudgeOptions, TeacherRunOptions):
    """Options of ``synthgen respond``: the teacher answers every row of a dataset."""

    input: Annotated[Path, Fingerprint(resolved=True), Flag(argument=True, metavar="INPUT")] = Field(
        description="Dataset to answer: Alpaca, seeds, {prompt} or {messages} JSONL/JSON."
    )
    output: Path = Field(Path("data/responses.jsonl"), description="Output JSONL file.")
    prompt_field: Annotated[str | None, FINGERPRINT, Flag(shown="instruction+input, prompt or messages")] = (
        Field(None, description="Field holding the prompt.")
    )
    system: Annotated[str | None, Fingerprint(resolved=True)] = Field(
        None, description="System message: text, or @FILE to read it from a file."
    )
    samples: Annotated[int, FINGERPRINT, Flag("-k")] = Field(
        1, ge=1, le=64, description="Answers asked per row (seeds --seed + sample)."
    )
    reasoning: Annotated[Literal["inline", "drop"], FINGERPRINT] = Field(
        "inline",
        description="A reasoning trace: kept (alpaca: in <think> before the answer; messages: "
        "reasoning_content on the assistant turn), or dropped.",
    )
    format: Annotated[Literal["alpaca", "messages"], FINGERPRINT] = Field(
        "alpaca", description="Output row format."
    )
    verify: Annotated[Literal["none", "math", "exact", "choice", "regex", "code"], FINGERPRINT] = Field(
        "none", description="Check each answer against the row's reference answer, or run its code (code)."
    )
    verify_pattern: Annotated[str | None, FINGERPRINT] = Field(
        None, description="--verify regex: one pattern for every row."
    )
    reference_field: Annotated[str, FINGERPRINT] = Field(
        "answer", description="Field holding the reference answer."
    )
    keep: Annotated[Literal["all-correct", "first-correct", "all"], FINGERPRINT] = Field(
        "all-correct", description="With --verify: which samples to write (all: with a verified flag)."
    )
    max_tokens: int = Field(2048, ge=1, description="Max tokens per answer.")
    logprobs: Annotated[int | None, FINGERPRINT, Flag(metavar="K")] = Field(
        None, ge=1, le=20, description="Save the teacher's top-K token logprobs to OUT.logprobs.parquet."
    )
    min_confidence: Annotated[float | None, FINGERPRINT] = Field(
        None, le=0, description="With --logprobs: drop answers whose mean token logprob is below this."
    )

    @field_validator("verify_pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        """A pattern that does not compile is refused before any request (it was a traceback)."""
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise PydanticCustomError(
                    "bad_pattern",
                    "'{pattern}' is not a valid regular expression: {error}",
                    {"pattern": pattern, "error": str(exc)},
                ) from None
        return pattern


EVOLVE_OPERATIONS: tuple[str, ...] = (
    "add-constraint", "deepen", "concretize", "more-reasoning", "complicate-input", "breadth",
)  # fmt: skip
EvolveOperation = Literal[
    "add-constraint", "deepen", "concretize", "more-reasoning", "complicate-input", "breadth"
]


class EvolveSettings(BatchOptions, FilterOptions, TeacherRunOptions):
    """Options of ``synthgen evolve``: rounds of Evol-Instruct over a dataset's instructions.

    Its fingerprint also holds the digest of the prompts used (``prompts``); not ``--rounds``.
    """

    input: Annotated[Path, Fingerprint(resolved=True), Flag(argument=True, metavar="INPUT")] = Field(
        description="Dataset whose instructions to evolve: Alpaca, seeds or {prompt} JSONL/JSON."
    )
    output: Path = Field(Path("data/evolved.jsonl"), description="Output JSONL file.")
    rounds: Annotated[int, Flag("-r")] = Field(
        3, ge=1, le=100, description="Rounds; each evolves the previous round's survivors."
    )
    operations: Annotated[list[EvolveOperation], FINGERPRINT, Flag(metavar="NAME[,NAME...]")] = Field(
        default_factory=lambda: list(EVOLVE_OPERATIONS),
        description="Operations drawn from, one per parent and round (comma-separated or repeated).",
    )
    prompt_dir: Annotated[Path | None, Flag(shown="prompts/evolve")] = Field(
        None, description="Directory of <operation>.txt prompts (an operation without one: bundled)."
    )
    prompt_field: Annotated[str | None, FINGERPRINT, Flag(shown="instruction and input, or prompt")] = Field(
        None, description="Field holding the task."
    )
    similarity_threshold: Annotated[SimilarityThreshold, FINGERPRINT] = Field(
        SIMILARITY_THRESHOLD,
        description="Drop if ROUGE-L F vs the pool (input, kept rows; not the parent) is above this.",
    )
    min_new_words: Annotated[int, FINGERPRINT] = Field(
        3, ge=0, description="Drop an evolved task bringing fewer words its parent lacks (stop words aside)."
    )
    retry_failed: Annotated[bool, FINGERPRINT] = Field(
        False, description="Evolve a parent whose evolution failed again next round (as WizardLM does)."
    )
    max_tokens: int = Field(1024, ge=1, description="Max tokens per evolved task.")

    @field_validator("operations", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return value

    @field_validator("operations")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("name at least one operation")
        return list(dict.fromkeys(value))


def _num_conflicts_with_add(settings: Settings, info: ValidationInfo) -> bool:
    """Whether ``num`` was set where ``add`` overrides it silently.

    A ``num`` in the config file with ``--add`` on the command line is fine (the flag is the
    more specific choice); ``--num`` as a flag, or both in the same file, is a contradiction.
    """
    if "num" not in settings.model_fields_set:
        return False
    flags = (info.context or {}).get("flags")
    if flags is None:  # built directly, not from a command line
        return True
    return "num" in flags or "add" not in flags
