"""Settings of the commands that run a recipe: generate, respond, evolve, judge, pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from synthgen.config.markers import FINGERPRINT, Fingerprint, Flag
from synthgen.config.shared import (
    SIMILARITY_THRESHOLD,
    FilterOptions,
    RunOutputOptions,
    SettingsModel,
    SimilarityThreshold,
    TeacherOptions,
)

# A judge grades with little randomness and a short reply (a reason and a score).
JUDGE_TEMPERATURE = 0.0
JUDGE_MAX_TOKENS = 512
_JUDGED = Fingerprint(when="judge_model")  # an inline judge's options count only with a judge


class MinScoreOption(SettingsModel):
    """``--min-score``: one meaning in ``judge`` and in inline judging (``--judge-model``)."""

    min_score: Annotated[int, _JUDGED] = Field(
        1, ge=1, le=10, description="Keep rows the judge scored at least this (1-10; 1: every graded row)."
    )


class InlineJudgeOptions(MinScoreOption):
    """A judge model grading every row as it is kept (``generate`` and ``respond``)."""

    help_section: ClassVar[str] = "Judging inline"

    judge_model: Annotated[str | None, _JUDGED] = Field(
        None, description="Grade every kept row with this judge model (inline judging)."
    )
    judge_base_url: Annotated[list[str], Flag(metavar="URL", shown="--base-url")] = Field(
        default_factory=list, description="The judge's endpoint(s)."
    )
    judge_api_key_env: Annotated[str | None, Flag(shown="--api-key-env")] = Field(
        None, description="Environment variable holding the judge's key."
    )
    judge_concurrency: Annotated[int | None, Flag(shown="--concurrency")] = Field(
        None, ge=1, le=4096, description="Max grade requests in flight."
    )
    judge_temperature: Annotated[float, _JUDGED] = Field(
        JUDGE_TEMPERATURE, ge=0, le=2, description="Sampling temperature of the judge."
    )
    judge_max_tokens: Annotated[int, _JUDGED] = Field(
        JUDGE_MAX_TOKENS, ge=1, description="Max tokens per grade."
    )
    judge_prompt: Annotated[
        Path | None,
        Fingerprint(resolved=True, when="judge_model"),
        Flag(shown="the bundled prompts/judge.txt"),
    ] = Field(None, description="Judge prompt template file.")
    judge_structured: Annotated[bool, _JUDGED] = Field(
        True, description="Ask the judge for a JSON grade (off for servers without response_format)."
    )

    @field_validator("judge_base_url")
    @classmethod
    def _judge_urls(cls, urls: list[str]) -> list[str]:
        return TeacherOptions._http_urls(urls)

    @model_validator(mode="after")
    def _judge_needed(self) -> InlineJudgeOptions:
        if self.judge_model is None:
            given = [
                f
                for f in ("min_score", "judge_base_url", "judge_prompt")
                if f in self.model_fields_set and getattr(self, f)
            ]
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


class Settings(InlineJudgeOptions, FilterOptions, TeacherOptions, RunOutputOptions):
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


class RespondSettings(InlineJudgeOptions, TeacherOptions, RunOutputOptions):
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
        "inline", description="A reasoning trace: kept in <think> before the answer, or dropped."
    )
    format: Annotated[Literal["alpaca", "messages"], FINGERPRINT] = Field(
        "alpaca", description="Output row format."
    )
    verify: Annotated[Literal["none", "math", "exact", "choice", "regex"], FINGERPRINT] = Field(
        "none", description="Check each answer against the row's reference answer."
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


EVOLVE_OPERATIONS: tuple[str, ...] = (
    "add-constraint", "deepen", "concretize", "more-reasoning", "complicate-input", "breadth",
)  # fmt: skip
EvolveOperation = Literal[
    "add-constraint", "deepen", "concretize", "more-reasoning", "complicate-input", "breadth"
]


class EvolveSettings(FilterOptions, TeacherOptions, RunOutputOptions):
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
    prompt_field: Annotated[str | None, FINGERPRINT] = Field(
        None, description="Field holding the task (default: instruction and input, or prompt)."
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


class JudgeOptionsMixin(SettingsModel):
    """How answers are judged: shared by ``judge`` and ``pairs``."""

    prompt: Annotated[
        Path | None, Fingerprint(resolved=True), Flag(shown="the bundled prompts/judge.txt")
    ] = Field(None, description="Judge prompt template file.")
    structured: Annotated[bool, FINGERPRINT] = Field(
        True,
        description="Ask for a JSON grade (response_format with a JSON schema); off for servers without it.",
    )


class JudgeSettings(JudgeOptionsMixin, MinScoreOption, TeacherOptions, RunOutputOptions):
    """Options of ``synthgen judge``: the teacher grades every answer of a dataset from 1 to 10."""

    input: Annotated[Path, Fingerprint(resolved=True), Flag(argument=True, metavar="INPUT")] = Field(
        description="Dataset to grade: Alpaca (instruction, input, output) or {messages}."
    )
    output: Path = Field(Path("data/judged.jsonl"), description="Output JSONL file.")
    format: Annotated[
        Literal["auto", "alpaca", "messages"],
        Fingerprint(resolved=True),  # the format auto chose
    ] = Field("auto", description="Output row format (auto: alpaca if every row is one, else messages).")
    temperature: float = Field(
        JUDGE_TEMPERATURE, ge=0, le=2, description="Sampling temperature of the judge."
    )
    max_tokens: int = Field(JUDGE_MAX_TOKENS, ge=1, description="Max tokens per grade.")


class PairsSettings(JudgeOptionsMixin, TeacherOptions, RunOutputOptions):
    """Options of ``synthgen pairs``: preference pairs (prompt, chosen, rejected) from ranked answers.

    The judged stage's fingerprint is that of the judge's settings (``--judge-model``,
    ``--judge-temperature`` and ``--judge-max-tokens`` in place of the teacher's), with the
    digest of the answers it grades (``answers``).
    """

    input: Annotated[Path, Flag(argument=True, metavar="INPUT")] = Field(
        description="Answers (several per prompt), or prompts with --samples."
    )
    output: Path = Field(Path("data/pairs.jsonl"), description="Output JSONL file.")
    format: Annotated[Literal["standard", "messages"], FINGERPRINT] = Field(
        "standard", description="standard: prompt/chosen/rejected strings; messages: lists of messages."
    )
    rank: Literal["auto", "judge", "verified"] = Field(
        "auto",
        description="Rank answers by the judge, or by respond's verified flag (auto: the flag if present).",
    )
    min_margin: Annotated[int, FINGERPRINT] = Field(
        1, ge=1, le=9, description="Skip a prompt whose best and worst scores differ by less."
    )
    samples: Annotated[int | None, Flag("-k", shown="none: IN holds the answers")] = Field(
        None,
        ge=2,
        le=64,
        description="Generate this many answers per prompt here (IN is then a prompt dataset).",
    )
    rejected_model: str | None = Field(
        None, description="With --samples: a weaker model that answers each prompt as many times too."
    )
    judge_model: Annotated[str | None, Flag(shown="--model")] = Field(None, description="The judge model.")
    judge_temperature: float = Field(
        JUDGE_TEMPERATURE, ge=0, le=2, description="Sampling temperature of the judge."
    )
    judge_max_tokens: int = Field(JUDGE_MAX_TOKENS, ge=1, description="Max tokens per grade.")
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
