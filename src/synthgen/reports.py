"""The run report's shape (``<output>.report.json``): one typed model, written by the engine and
read by resume, ``stats``, ``card``, the CLI and the multi-stage commands.

Read tolerantly: every field has a default and unknown keys are kept (a newer synthgen's, a
stage's labels such as evolve's ``round``), so any synthgen report loads; one whose values have
the wrong types reads as no report at all (:meth:`RunReport.read`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)


class _Figures(BaseModel):
    model_config = ConfigDict(extra="allow")


class ModelFigures(_Figures):
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class UsageFigures(_Figures):
    """What one teacher used in one run (see teacher/budget.py for ``unsettled_*``)."""

    requests_sent: int = 0
    retries: int = 0
    failures_by_kind: dict[str, int] = Field(default_factory=dict)
    by_model: dict[str, ModelFigures] = Field(default_factory=dict)
    total_tokens: int = 0
    max_in_flight: int = 0
    in_flight_limit_final: float = 0.0
    cost_usd: float | None = None
    # attempts cancelled, timed out or dropped in flight: the server may have billed them,
    # so budgets count their worst case
    unsettled_attempts: int = 0
    unsettled_tokens: int = 0
    unsettled_cost_usd: float = 0.0

    @property
    def prompt_tokens(self) -> int:
        return sum(m.prompt_tokens for m in self.by_model.values())

    @property
    def completion_tokens(self) -> int:
        return sum(m.completion_tokens for m in self.by_model.values())


class CountFigures(_Figures):
    """What happened to requests and candidates in one run (engine.report.Counts, as data).

    Beside the engine's counts are a recipe's own (its ``engine.recipe.Tally``); another
    recipe's are extra keys. ``unparseable_responses``, ``truncated_dropped`` and
    ``duplicates_*`` are generate's (evolve counts duplicates too): every report has always
    carried them, 0 where a recipe counts none, so they stay declared here, in their place.
    """

    requests: int = 0
    answers_after_target: int = 0
    answers_unscreened: int = 0
    cached_responses: int = 0
    failed_requests: int = 0
    unparseable_responses: int = 0
    candidates: int = 0
    truncated_dropped: int = 0
    rejected: dict[str, int] = Field(default_factory=dict)
    duplicates_exact: int = 0
    duplicates_similar: int = 0
    unused_after_target: int = 0
    kept: int = 0
    metrics: dict[str, int | float] = Field(default_factory=dict)


class BatchFigures(_Figures):
    """A ``--batch`` run's batches (commands/batch_submit.py): ids, what it submitted, what is
    still pending, and the answers collected from batches so far."""

    batches: list[str | None] = Field(default_factory=list)
    submitted: list[str | None] = Field(default_factory=list)
    submitted_requests: int = 0
    pending: list[str | None] = Field(default_factory=list)
    answered_by_batches: int = 0
    seconds_from_first_submission: float | None = None


class RunEntry(_Figures):
    """One run in the history; a stage's own labels (evolve's ``round``...) are extra keys."""

    started_at: str = ""
    wall_seconds: float = 0.0
    stop_reason: str = ""
    exit_code: int | None = None
    counts: CountFigures = Field(default_factory=CountFigures)
    usage: UsageFigures = Field(default_factory=UsageFigures)
    judge_usage: UsageFigures | None = None  # an inline judge's usage, when the run had one
    batch: BatchFigures | None = None  # a --batch run's batches (as far as it went)
    cpu_seconds: dict[str, float] = Field(default_factory=dict)
    synthgen_version: str | None = None

    @model_serializer(mode="wrap")
    def _as_written(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Without the parts a run did not have; a batch entry as far as it was filled in."""
        data: dict[str, Any] = handler(self)
        for key in ("judge_usage", "batch"):
            if data.get(key) is None:
                data.pop(key, None)
        if self.batch is not None:
            data["batch"] = self.batch.model_dump(mode="json", exclude_unset=True)
        return data


class TeacherInfo(_Figures):
    kind: str | None = None
    model: str | None = None
    base_urls: list[str] = Field(default_factory=list)


class RunReport(_Figures):
    """A dataset's report: its configuration, its last run and every run that wrote it."""

    synthgen_version: str | None = None
    output: str = ""
    examples: int = 0
    teacher: TeacherInfo = Field(default_factory=TeacherInfo)
    config_hash: str | None = None
    content_config: dict[str, Any] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)  # the resolved settings, as given
    last_run: RunEntry = Field(default_factory=RunEntry)
    runs: list[RunEntry] = Field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> RunReport | None:
        """The report in ``path``, or None when there is none (or it is not a synthgen report)."""
        try:
            return cls.model_validate_json(path.read_bytes())
        except (OSError, ValueError, ValidationError):
            return None

    def history(self) -> list[RunEntry]:
        """Every run recorded (a report without its history: the last run)."""
        if self.runs or "last_run" not in self.model_fields_set:
            return self.runs
        return [self.last_run]

    def as_data(self) -> dict[str, Any]:
        """JSON-ready data, keys as in the file."""
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        """The file's text: indented, non-ASCII kept, one trailing newline."""
        return json.dumps(self.as_data(), indent=2, ensure_ascii=False) + "\n"
