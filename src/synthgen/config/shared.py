"""Options shared by several commands: the teacher, the run's output, the filters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthgen.config.markers import CONFIG_ONLY, FINGERPRINT, Fingerprint, Flag, fingerprint
from synthgen.errors import ConfigError
from synthgen.resources import default_cache_path

# Words marking tasks a text-only model cannot do; self-instruct filters the same kind
# of keywords (images, graphs, files, ...). Matched as whole words, plurals included.
DEFAULT_BLOCKLIST: tuple[str, ...] = (
    "image", "picture", "graph", "plot", "draw", "map", "file", "video", "audio",
    "music", "diagram", "flowchart", "go to",
)  # fmt: skip


# Self-instruct drops an instruction whose ROUGE-L F against the pool is above 0.7.
SIMILARITY_THRESHOLD = 0.7
SimilarityThreshold = Annotated[float, Field(gt=0, le=1)]


class SettingsModel(BaseModel):
    """A command's settings: each field is an option (see :mod:`synthgen.config.markers`)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)
    help_section: ClassVar[str] = "Options"  # where --help lists the fields declared here
    command_line: ClassVar[tuple[str, ...] | None] = None  # the fields with a flag (None: all)

    def fingerprint(self, **resolved: Any) -> dict[str, Any]:
        """What decides what a run writes (a resumed run must match it): the fields marked
        :class:`Fingerprint`, with the values the command resolved for those marked so."""
        return fingerprint(self, resolved)


class FilterOptions(SettingsModel):
    """Options of the heuristic filters, shared by ``generate``, ``evolve`` and ``filter``."""

    help_section: ClassVar[str] = "Filters"

    min_instruction_words: Annotated[int, FINGERPRINT] = Field(
        4, ge=1, description="Drop instructions with fewer words."
    )
    max_instruction_words: Annotated[int, FINGERPRINT] = Field(
        150, ge=1, description="Drop instructions with more words."
    )
    blocklist: Annotated[list[str], FINGERPRINT, Flag(metavar="WORD")] = Field(
        default_factory=lambda: list(DEFAULT_BLOCKLIST),
        description="Drop instructions containing one of these words (plurals too).",
    )

    @model_validator(mode="after")
    def _word_range(self) -> FilterOptions:
        if self.min_instruction_words > self.max_instruction_words:
            raise ValueError(
                f"--min-instruction-words ({self.min_instruction_words}) is above "
                f"--max-instruction-words ({self.max_instruction_words}): every instruction "
                "would be dropped"
            )
        return self


class Price(SettingsModel):
    """US dollars per million tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    # --batch: the Batch API's prices; unset, half the live price (OpenAI's batch discount)
    batch_input: float | None = Field(None, ge=0)
    batch_output: float | None = Field(None, ge=0)


class TeacherSampling(SettingsModel):
    """Which teacher, and how it samples: shared by every command that asks one."""

    help_section: ClassVar[str] = "Teacher"

    teacher: Annotated[
        Literal["openai", "mock"] | None,
        Fingerprint(resolved=True),  # the kind the run resolved (--model alone means openai)
        Flag(shown="openai when --model or --base-url is given"),
    ] = Field(None, description="'mock' for the built-in offline teacher; 'openai' for an HTTP endpoint.")
    model: Annotated[str | None, FINGERPRINT, Flag("-m")] = Field(
        None, description="Teacher model name, e.g. gpt-4o-mini."
    )
    base_url: Annotated[list[str], Flag(metavar="URL", shown="https://api.openai.com/v1")] = Field(
        default_factory=list,
        description="OpenAI-compatible endpoint(s); repeat the flag to spread load over replicas.",
    )
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the key.")
    temperature: Annotated[float, FINGERPRINT] = Field(1.0, ge=0, le=2, description="Sampling temperature.")
    top_p: Annotated[float, FINGERPRINT] = Field(
        1.0, gt=0, le=1, description="Nucleus sampling probability mass."
    )
    max_tokens: Annotated[int, FINGERPRINT] = Field(3072, ge=1, description="Max tokens per completion.")
    seed: Annotated[int, FINGERPRINT] = Field(
        0, description="Seed for prompt sampling and the mock teacher; sent as seed + request number."
    )


class TeacherOptions(TeacherSampling):
    """How to call the teacher: requests, retries, limits, cache and budgets."""

    help_section: ClassVar[str] = "Requests, cache and budgets"

    concurrency: Annotated[int, Flag("-j")] = Field(32, ge=1, le=4096, description="Max requests in flight.")
    max_retries: int = Field(
        6, ge=0, description="Retries of a request after a transient error (6: up to 7 attempts)."
    )
    retry_max_wait: float = Field(60.0, gt=0, description="Max seconds of waiting per request.")
    request_timeout: float = Field(120.0, gt=0, description="Seconds before a request is retried.")
    # Long enough for a server that is still starting, short enough to tell a user at once.
    connect_grace: float = Field(
        5.0,
        ge=0,
        description="Seconds to keep trying while no endpoint has ever answered and none accepts a "
        "connection (a server still starting), before the run stops with the cause.",
    )
    rpm: Annotated[int | None, Flag(shown="no limit")] = Field(
        None,
        ge=1,
        description="Client-side requests-per-minute limit.",
    )
    tpm: Annotated[int | None, Flag(shown="no limit")] = Field(
        None,
        ge=1,
        description="Client-side tokens-per-minute limit.",
    )
    max_consecutive_failures: int = Field(
        20, ge=1, description="Stop after this many failed requests in a row."
    )
    cache: bool = Field(True, description="Use the response cache.")
    cache_path: Annotated[Path | None, Flag(shown=lambda: str(default_cache_path()))] = Field(
        None, description="SQLite response cache file (private to you)."
    )

    # budgets
    max_requests: Annotated[int | None, Flag(shown="no limit")] = Field(
        None,
        ge=1,
        description="Send at most this many requests (retries count).",
    )
    max_total_tokens: Annotated[int | None, Flag(shown="no limit")] = Field(
        None,
        ge=1,
        description="Never use more tokens than this (hard limit).",
    )
    max_cost: Annotated[float | None, Flag(shown="no limit")] = Field(
        None,
        gt=0,
        description="Never spend more US dollars than this (needs prices).",
    )
    prices: Annotated[dict[str, Price], CONFIG_ONLY] = Field(
        default_factory=dict, description="Model -> price per million tokens (config file)."
    )

    @field_validator("base_url")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        """Each URL with its scheme (refused before any request: without one, every request
        would fail to connect), without the trailing slash."""
        for url in urls:
            scheme, sep, rest = url.partition("://")
            if not sep or scheme.lower() not in ("http", "https") or not rest.strip("/"):
                host_and_path = (rest if sep else url).strip("/") or "localhost:8000/v1"
                raise PydanticCustomError(
                    "url_scheme",
                    "'{url}' is not an http(s) URL: did you mean http://{guess}?",
                    {"url": url, "guess": host_and_path},
                )
            authority = rest.split("/", 1)[0]
            if "@" in authority:
                # A password in the URL would be recorded with the config (report, card); the
                # key travels in the Authorization header from --api-key-env instead.
                raise PydanticCustomError(
                    "url_credentials",
                    "'{url}': remove the user:password@ part; synthgen sends the key from "
                    "--api-key-env as a bearer token",
                    {"url": f"{scheme}://...@{authority.rsplit('@', 1)[1]}"},
                )
        return [u.rstrip("/") for u in urls]

    @model_validator(mode="after")
    def _budgets_enforceable(self) -> TeacherOptions:
        self._check_budgets()
        return self

    def _check_budgets(self) -> None:
        """Budgets must be enforceable and able to pay for one request's worst case."""
        if self.max_total_tokens is not None and self.max_total_tokens <= self.max_tokens:
            raise ValueError(
                f"--max-total-tokens {self.max_total_tokens} cannot pay for a single request: each "
                f"reserves its prompt plus --max-tokens ({self.max_tokens}); raise the budget or "
                "lower --max-tokens"
            )
        if self.max_cost is None:
            return
        model = self.priced_model()
        price = self.prices.get(model)
        if price is None:
            raise ValueError(
                f"--max-cost needs the price of model '{model}': add a [prices.\"{model}\"] table "
                "with input = ... and output = ... (US dollars per million tokens) to the "
                "--config TOML file"
            )
        if self.max_tokens * price.output / 1e6 >= self.max_cost:
            raise ValueError(
                f"--max-cost {self.max_cost} cannot pay for a single request: each reserves "
                f"--max-tokens ({self.max_tokens}) at ${price.output} per million output tokens "
                "plus its prompt; raise the budget or lower --max-tokens"
            )

    def priced_model(self) -> str:
        """The model name prices are looked up under (the mock's is ``mock``)."""
        return self.model or "mock"

    def teacher_kind(self) -> Literal["openai", "mock"]:
        """The teacher to use; never falls back to the mock silently."""
        if self.teacher is not None:
            kind = self.teacher
        elif self.model or self.base_url:
            kind = "openai"
        else:
            raise ConfigError(
                "no teacher configured: pass --teacher mock for a dry run, "
                "or --model and --base-url for an OpenAI-compatible endpoint"
            )
        if kind == "openai" and not self.model:
            raise ConfigError("--model is required for an HTTP teacher (e.g. --model gpt-4o-mini)")
        return kind

    def public_dict(self) -> dict[str, Any]:
        """The resolved config as JSON-ready data (holds no secret by construction)."""
        return json.loads(self.model_dump_json())


class RunOutputOptions(SettingsModel):
    """Where a run writes and what it shows: shared by every command that runs the engine."""

    help_section: ClassVar[str] = "Output"

    output: Annotated[Path, Flag("-o")] = Field(Path("data/alpaca.jsonl"), description="Output JSONL file.")
    overwrite: bool = Field(False, description="Start afresh; old file replaced at the end.")
    force: bool = Field(False, description="Resume even if the config changed.")
    quiet: Annotated[bool, Flag("-q")] = Field(False, description="No progress output.")
    log_format: Literal["text", "json"] = Field("text", description="Progress/log line format.")
    progress_interval: float = Field(
        5.0, gt=0, description="Seconds between progress lines in a log or a pipe (not the terminal's panel)."
    )
    json_report: Annotated[bool, Flag(name="--json")] = Field(
        False, description="Print the run report as JSON on stdout."
    )
    card: Literal["beside", "readme", "none"] = Field(
        "beside", description="Dataset card: OUT.card.md, README.md in the output folder, or none."
    )


class TeacherRunOptions(TeacherOptions, RunOutputOptions):
    """The settings of a command that runs the engine with a teacher (generate, respond, evolve,
    judge, pairs)."""
