"""Settings of the judging: ``judge``, ``pairs``, and the judge of ``generate`` and ``respond``
(``--judge-model``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from synthgen.config.batch import BatchOptions
from synthgen.config.markers import FINGERPRINT, Fingerprint, Flag
from synthgen.config.shard import ShardOptions
from synthgen.config.shared import SettingsModel, TeacherOptions, TeacherRunOptions

# A judge grades with little randomness and a short reply (a reason and a score).
JUDGE_TEMPERATURE = 0.0
JUDGE_MAX_TOKENS = 512
_JUDGED = Fingerprint(when="judge_model")  # an inline judge's options count only with a judge
_BUNDLED_PROMPT = "the bundled prompts/judge.txt"


class MinScoreOption(SettingsModel):
    """``--min-score``: one meaning in ``judge`` and in inline judging (``--judge-model``)."""

    min_score: Annotated[int, _JUDGED] = Field(
        1, ge=1, le=10, description="Keep rows the judge scored at least this (1-10; 1: every graded row)."
    )


class JudgeCallOptions(SettingsModel):
    """How a judge model is asked: its sampling, prompt and reply format. One declaration for
    the inline judge (``--judge-model``) and ``pairs``' judge, which re-marks them (below)."""

    judge_temperature: Annotated[float, _JUDGED] = Field(
        JUDGE_TEMPERATURE, ge=0, le=2, description="Sampling temperature of the judge."
    )
    judge_max_tokens: Annotated[int, _JUDGED] = Field(
        JUDGE_MAX_TOKENS, ge=1, description="Max tokens per grade."
    )
    judge_prompt: Annotated[
        Path | None, Fingerprint(resolved=True, when="judge_model"), Flag(shown=_BUNDLED_PROMPT)
    ] = Field(None, description="Judge prompt template file.")
    judge_structured: Annotated[bool, _JUDGED] = Field(
        True,
        description="Ask the judge for a JSON grade (response_format with a JSON schema); "
        "off for servers without it.",
    )


class _InlineJudgeModel(MinScoreOption):
    """The inline judge's model and where it is served (its own teacher's options)."""

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


class InlineJudgeOptions(JudgeCallOptions, _InlineJudgeModel):
    """A judge model grading every row as it is kept (``generate`` and ``respond``)."""

    help_section: ClassVar[str] = "Judging inline"

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


class JudgeOptionsMixin(SettingsModel):
    """How ``judge`` asks for its grades: its prompt and reply format (``pairs`` and inline
    judging name the same options ``--judge-prompt`` / ``--judge-structured``)."""

    prompt: Annotated[Path | None, Fingerprint(resolved=True), Flag(shown=_BUNDLED_PROMPT)] = Field(
        None, description="Judge prompt template file."
    )
    structured: Annotated[bool, FINGERPRINT] = Field(
        True,
        description="Ask for a JSON grade (response_format with a JSON schema); off for servers without it.",
    )


class JudgeSettings(ShardOptions, BatchOptions, JudgeOptionsMixin, MinScoreOption, TeacherRunOptions):
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


class PairsSettings(BatchOptions, JudgeCallOptions, TeacherRunOptions):
    """Options of ``synthgen pairs``: preference pairs (prompt, chosen, rejected) from ranked answers.

    The judged stage's fingerprint is that of the judge's settings (``--judge-model``,
    ``--judge-temperature`` and ``--judge-max-tokens`` in place of the teacher's), with the
    digest of the answers it grades (``answers``).
    """

    # The judge's prompt and format were --prompt and --structured here (accepted for a release),
    # and existing outputs' fingerprints have them under those keys, always (the judge is --model
    # without --judge-model); its temperature and max tokens are the judged stage's own.
    field_markers: ClassVar[dict[str, tuple[object, ...]]] = {
        "judge_prompt": (
            Flag(shown=_BUNDLED_PROMPT, aliases=("--prompt",)),
            Fingerprint(resolved=True, key="prompt"),
        ),
        "judge_structured": (Flag(aliases=("--structured",)), Fingerprint(key="structured")),
        "judge_temperature": (),
        "judge_max_tokens": (),
    }

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
    max_tokens: int = Field(2048, ge=1, description="Max tokens per generated answer.")

    def _check_budgets(self) -> None:
        super()._check_budgets()
        for name in (self.rejected_model, self.judge_model):
            if self.max_cost is not None and name and name not in self.prices:
                raise ValueError(
                    f"--max-cost needs the price of model '{name}' too: add a [prices.\"{name}\"] "
                    "table to the --config TOML file"
                )
