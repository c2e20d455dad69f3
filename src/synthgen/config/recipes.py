"""Settings of the commands that run a recipe: generate, respond, evolve, judge, pairs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from synthgen.config.shared import FilterOptions, RunOutputOptions, SettingsModel, TeacherOptions


class InlineJudgeOptions(SettingsModel):
    """A judge model grading every row as it is kept (``generate`` and ``respond``)."""

    judge_model: str | None = Field(
        None, description="Grade every kept row with this judge model (inline judging)."
    )
    min_score: int | None = Field(
        None,
        ge=1,
        le=10,
        description="With --judge-model: write only rows scored at least this (1-10).",
        json_schema_extra={"shown_default": "keep every graded row"},
    )
    judge_base_url: list[str] = Field(
        default_factory=list,
        description="The judge's endpoint(s).",
        json_schema_extra={"shown_default": "--base-url"},
    )
    judge_api_key_env: str | None = Field(
        None,
        description="Environment variable holding the judge's key.",
        json_schema_extra={"shown_default": "--api-key-env"},
    )
    judge_concurrency: int | None = Field(
        None,
        ge=1,
        le=4096,
        description="Max grade requests in flight.",
        json_schema_extra={"shown_default": "--concurrency"},
    )
    judge_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of the judge.")
    judge_max_tokens: int = Field(512, ge=1, description="Max tokens per grade.")
    judge_prompt: Path | None = Field(
        None,
        description="Judge prompt template file.",
        json_schema_extra={"shown_default": "the bundled prompts/judge.txt"},
    )
    judge_structured: bool = Field(
        True, description="Ask the judge for a JSON grade (off for servers without response_format)."
    )

    @field_validator("judge_base_url")
    @classmethod
    def _judge_urls(cls, urls: list[str]) -> list[str]:
        return TeacherOptions._http_urls(urls)

    @model_validator(mode="after")
    def _judge_needed(self) -> InlineJudgeOptions:
        if self.judge_model is None:
            given = [f for f in ("min_score", "judge_base_url", "judge_prompt") if getattr(self, f)]
            if given:
                flag = "--" + given[0].replace("_", "-")
                raise ValueError(f"{flag} needs --judge-model (the model that grades the rows)")
        elif (
            isinstance(self, TeacherOptions)
            and self.max_cost is not None
            and self.judge_model not in self.prices
        ):
            raise ValueError(
                f"--max-cost needs the price of judge model '{self.judge_model}' too: add a "
                f'[prices."{self.judge_model}"] table to the --config TOML file'
            )
        return self

    def judge_content(self, prompt_digest: str) -> dict[str, Any]:
        """What decides the grades (a resumed run must match it); empty without a judge."""
        if self.judge_model is None:
            return {}
        keys = ("judge_model", "min_score", "judge_temperature", "judge_max_tokens", "judge_structured")
        return {**{k: getattr(self, k) for k in keys}, "judge_prompt": prompt_digest}


class Settings(InlineJudgeOptions, FilterOptions, TeacherOptions, RunOutputOptions):
    """Options of ``synthgen generate``."""

    # prompt
    mode: Literal["tasks", "instructions"] = Field(
        "tasks", description="tasks: instruction, input and output; instructions: new instructions only."
    )
    seeds: Path | None = Field(
        None,
        description="Seed tasks file (.jsonl or .json).",
        json_schema_extra={"shown_default": "the bundled seed tasks"},
    )
    prompt: Path | None = Field(
        None,
        description="Prompt template file.",
        json_schema_extra={"shown_default": "the bundled template for --mode"},
    )
    examples_per_prompt: int = Field(3, ge=1, le=20, description="Examples shown per request.")
    mix_generated: int = Field(
        0, ge=0, description="How many of the examples come from generated ones (once available)."
    )
    tasks_per_request: int = Field(20, ge=1, le=100, description="Tasks asked per request.")

    # dedup
    similarity_threshold: float = Field(
        0.7, gt=0, le=1, description="Drop if ROUGE-L F vs any kept instruction is above this."
    )

    # output
    num: int = Field(100, ge=1, description="Target number of examples in the output.")
    add: int | None = Field(None, ge=1, description="Grow an existing output by N examples.")

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

    def content_fields(self, *, kind: str, prompt_text: str, seeds_digest: str) -> dict[str, Any]:
        """Everything that decides *what* is generated (not how fast, where, or how much)."""
        keys = (
            "model", "temperature", "top_p", "max_tokens", "seed",
            "examples_per_prompt", "mix_generated", "tasks_per_request", "similarity_threshold",
            "min_instruction_words", "max_instruction_words", "blocklist",
        )  # fmt: skip
        data: dict[str, Any] = {k: getattr(self, k) for k in keys}
        data["teacher"] = kind
        if self.mode != "tasks":  # only when set, so files made before the option still resume
            data["mode"] = self.mode
        data["prompt"] = hashlib.sha256(prompt_text.encode()).hexdigest()[:16]
        data["seeds"] = seeds_digest
        return data


class RespondSettings(InlineJudgeOptions, TeacherOptions, RunOutputOptions):
    """Options of ``synthgen respond``: the teacher answers every row of a dataset."""

    input: Path = Field(description="Dataset whose rows the teacher answers.")
    output: Path = Field(Path("data/responses.jsonl"), description="Output JSONL file.")
    prompt_field: str | None = Field(
        None,
        description="Field holding the prompt.",
        json_schema_extra={"shown_default": "instruction+input, prompt or messages"},
    )
    system: str | None = Field(None, description="System message: text, or @FILE to read it from a file.")
    samples: int = Field(1, ge=1, le=64, description="Answers asked per row (seeds --seed + sample).")
    reasoning: Literal["inline", "drop"] = Field(
        "inline", description="A reasoning trace: kept in <think> before the answer, or dropped."
    )
    format: Literal["alpaca", "messages"] = Field("alpaca", description="Output row format.")
    verify: Literal["none", "math", "exact", "choice", "regex"] = Field(
        "none", description="Check each answer against the row's reference answer."
    )
    verify_pattern: str | None = Field(None, description="--verify regex: one pattern for every row.")
    reference_field: str = Field("answer", description="Field holding the reference answer.")
    keep: Literal["all-correct", "first-correct", "all"] = Field(
        "all-correct", description="With --verify: which samples to write (all: with a verified flag)."
    )
    max_tokens: int = Field(2048, ge=1, description="Max tokens per answer.")
    max_consecutive_failures: int = Field(
        20, ge=1, description="Stop after this many failed requests in a row."
    )
    logprobs: int | None = Field(
        None, ge=1, le=20, description="Save the teacher's top-K token logprobs to OUT.logprobs.parquet."
    )
    min_confidence: float | None = Field(
        None, le=0, description="With --logprobs: drop answers whose mean token logprob is below this."
    )


EVOLVE_OPERATIONS: tuple[str, ...] = (
    "add-constraint", "deepen", "concretize", "more-reasoning", "complicate-input", "breadth",
)  # fmt: skip
EvolveOperation = Literal[
    "add-constraint", "deepen", "concretize", "more-reasoning", "complicate-input", "breadth"
]


class EvolveSettings(FilterOptions, TeacherOptions, RunOutputOptions):
    """Options of ``synthgen evolve``: rounds of Evol-Instruct over a dataset's instructions."""

    input: Path = Field(description="Dataset whose instructions are evolved.")
    output: Path = Field(Path("data/evolved.jsonl"), description="Output JSONL file.")
    rounds: int = Field(3, ge=1, le=100, description="Rounds; each evolves the previous round's survivors.")
    operations: list[EvolveOperation] = Field(
        default_factory=lambda: list(EVOLVE_OPERATIONS),
        description="Operations drawn from, one per parent and round (comma-separated or repeated).",
    )
    prompt_dir: Path | None = Field(
        None, description="Directory of <operation>.txt prompts (an operation without one: bundled)."
    )
    prompt_field: str | None = Field(
        None, description="Field holding the task (default: instruction and input, or prompt)."
    )
    similarity_threshold: float = Field(
        0.7,
        gt=0,
        le=1,
        description="Drop if ROUGE-L F vs the pool (input, kept rows; not the parent) is above this.",
    )
    min_new_words: int = Field(
        3, ge=0, description="Drop an evolved task bringing fewer words its parent lacks (stop words aside)."
    )
    retry_failed: bool = Field(
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


class JudgeOptionsMixin(SettingsModel):
    """How answers are judged: shared by ``judge`` and ``pairs``."""

    prompt: Path | None = Field(
        None,
        description="Judge prompt template file.",
        json_schema_extra={"shown_default": "the bundled prompts/judge.txt"},
    )
    structured: bool = Field(
        True,
        description="Ask for a JSON grade (response_format with a JSON schema); off for servers without it.",
    )


class JudgeSettings(JudgeOptionsMixin, TeacherOptions, RunOutputOptions):
    """Options of ``synthgen judge``: the teacher grades every answer of a dataset from 1 to 10."""

    input: Path = Field(description="Dataset whose answers the teacher grades.")
    output: Path = Field(Path("data/judged.jsonl"), description="Output JSONL file.")
    min_score: int = Field(1, ge=1, le=10, description="Keep rows scored at least this (1-10).")
    format: Literal["auto", "alpaca", "messages"] = Field(
        "auto", description="Output row format (auto: alpaca if every row is one, else messages)."
    )
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of the judge.")
    max_tokens: int = Field(512, ge=1, description="Max tokens per grade.")


class PairsSettings(JudgeOptionsMixin, TeacherOptions, RunOutputOptions):
    """Options of ``synthgen pairs``: preference pairs (prompt, chosen, rejected) from ranked answers."""

    input: Path = Field(description="Answers grouped by prompt (or prompts, with --samples).")
    output: Path = Field(Path("data/pairs.jsonl"), description="Output JSONL file.")
    format: Literal["standard", "messages"] = Field(
        "standard", description="standard: prompt/chosen/rejected strings; messages: lists of messages."
    )
    rank: Literal["auto", "judge", "verified"] = Field(
        "auto",
        description="Rank answers by the judge, or by respond's verified flag (auto: the flag if present).",
    )
    min_margin: int = Field(
        1, ge=1, le=9, description="Skip a prompt whose best and worst scores differ by less."
    )
    samples: int | None = Field(
        None,
        json_schema_extra={"shown_default": "none: IN holds the answers"},
        ge=2,
        le=64,
        description="Generate this many answers per prompt here (IN is then a prompt dataset).",
    )
    rejected_model: str | None = Field(
        None, description="With --samples: a weaker model that answers each prompt as many times too."
    )
    judge_model: str | None = Field(
        None, description="The judge model.", json_schema_extra={"shown_default": "--model"}
    )
    judge_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of the judge.")
    judge_max_tokens: int = Field(512, ge=1, description="Max tokens per grade.")
    max_tokens: int = Field(2048, ge=1, description="Max tokens per generated answer.")

    def _check_budgets(self) -> None:
        super()._check_budgets()
        for name in (self.rejected_model, self.judge_model):
            if self.max_cost is not None and name and name not in self.prices:
                raise ValueError(
                    f"--max-cost needs the price of model '{name}' too: add a [prices.\"{name}\"] "
                    "table to the --config TOML file"
                )


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
