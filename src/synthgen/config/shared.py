"""Options shared by several commands: the teacher, the run's output, the filters."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthgen.errors import ConfigError

# Words marking tasks a text-only model cannot do; self-instruct filters the same kind
# of keywords (images, graphs, files, ...). Matched as whole words, plurals included.
DEFAULT_BLOCKLIST: tuple[str, ...] = (
    "image", "picture", "graph", "plot", "draw", "map", "file", "video", "audio",
    "music", "diagram", "flowchart", "go to",
)  # fmt: skip


class SettingsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class FilterOptions(SettingsModel):
    """Options of the heuristic filters, shared by ``generate`` and ``filter``."""

    min_instruction_words: int = Field(4, ge=1, description="Drop instructions with fewer words.")
    max_instruction_words: int = Field(150, ge=1, description="Drop instructions with more words.")
    blocklist: list[str] = Field(
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


class TeacherOptions(SettingsModel):
    """How to call the teacher: shared by every command that asks one."""

    teacher: Literal["openai", "mock"] | None = Field(
        None,
        description="'mock' for the built-in offline teacher; 'openai' for an HTTP endpoint.",
        json_schema_extra={"shown_default": "openai when --model or --base-url is given"},
    )
    model: str | None = Field(None, description="Teacher model name, e.g. gpt-4o-mini.")
    base_url: list[str] = Field(
        default_factory=list,
        description="OpenAI-compatible endpoint(s); repeat the flag to spread load over replicas.",
        json_schema_extra={"shown_default": "https://api.openai.com/v1"},
    )
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the key.")
    temperature: float = Field(1.0, ge=0, le=2, description="Sampling temperature.")
    top_p: float = Field(1.0, gt=0, le=1, description="Nucleus sampling probability mass.")
    max_tokens: int = Field(3072, ge=1, description="Max tokens per completion.")
    seed: int = Field(
        0, description="Seed for prompt sampling and the mock teacher; sent as seed + request number."
    )

    concurrency: int = Field(32, ge=1, le=4096, description="Max requests in flight.")
    max_retries: int = Field(
        6, ge=0, description="Retries of a request after a transient error (6: up to 7 attempts)."
    )
    retry_max_wait: float = Field(60.0, gt=0, description="Max seconds of waiting per request.")
    request_timeout: float = Field(120.0, gt=0, description="Seconds before a request is retried.")
    rpm: int | None = Field(
        None,
        ge=1,
        description="Client-side requests-per-minute limit.",
        json_schema_extra={"shown_default": "no limit"},
    )
    tpm: int | None = Field(
        None,
        ge=1,
        description="Client-side tokens-per-minute limit.",
        json_schema_extra={"shown_default": "no limit"},
    )
    max_consecutive_failures: int = Field(
        20, ge=1, description="Stop after this many failed requests in a row."
    )
    cache: bool = Field(True, description="Use the response cache.")
    cache_path: Path | None = Field(
        None,
        description="SQLite response cache file (private to you).",
        json_schema_extra={"shown_default": "in the user cache folder"},
    )

    # budgets
    max_requests: int | None = Field(
        None,
        ge=1,
        description="Send at most this many requests (retries count).",
        json_schema_extra={"shown_default": "no limit"},
    )
    max_total_tokens: int | None = Field(
        None,
        ge=1,
        description="Never use more tokens than this (hard limit).",
        json_schema_extra={"shown_default": "no limit"},
    )
    max_cost: float | None = Field(
        None,
        gt=0,
        description="Never spend more US dollars than this (needs prices).",
        json_schema_extra={"shown_default": "no limit"},
    )
    prices: dict[str, Price] = Field(
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

    @staticmethod
    def hash_fields(fields: dict[str, Any]) -> str:
        blob = json.dumps(fields, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


class RunOutputOptions(SettingsModel):
    """Where a run writes and what it shows: shared by every command that runs the engine."""

    output: Path = Field(Path("data/alpaca.jsonl"), description="Output JSONL file.")
    overwrite: bool = Field(False, description="Start afresh; old file replaced at the end.")
    force: bool = Field(False, description="Resume even if the config changed.")
    quiet: bool = Field(False, description="No progress output.")
    log_format: Literal["text", "json"] = Field("text", description="Progress/log line format.")
    json_report: bool = Field(False, description="Print the run report as JSON on stdout.")
    card: Literal["beside", "readme", "none"] = Field(
        "beside", description="Dataset card: OUT.card.md, README.md in the output folder, or none."
    )
