"""Every option of every command, with its default, in one place.

Precedence (highest first): command-line flag > TOML config file (``--config``) > default here.
The API key is never an option: it is read from the environment variable named by
``api_key_env`` when the teacher is built, and never stored in a config object.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthgen.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_M = TypeVar("_M", bound=BaseModel)

# Words marking tasks a text-only model cannot do; self-instruct filters the same kind
# of keywords (images, graphs, files, ...). Matched as whole words, plurals included.
DEFAULT_BLOCKLIST: tuple[str, ...] = (
    "image", "picture", "graph", "plot", "draw", "map", "file", "video", "audio",
    "music", "diagram", "flowchart", "go to",
)  # fmt: skip


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class FilterOptions(_Model):
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


class Price(_Model):
    """US dollars per million tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)


class TeacherOptions(_Model):
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


class RunOutputOptions(_Model):
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


class Settings(FilterOptions, TeacherOptions, RunOutputOptions):
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


class RespondSettings(TeacherOptions, RunOutputOptions):
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


class CheckSettings(TeacherOptions):
    """Options of ``synthgen check``: the teacher's. A config file written for ``generate`` or
    ``respond`` is accepted as is; its other keys are ignored."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)


# Evol-Instruct's operations (Xu et al. 2023, WizardLM): five in-depth rewrites and one in-breadth.
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


class JudgeOptionsMixin(_Model):
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


class MockServerSettings(_Model):
    """Options of ``synthgen mock-teacher``."""

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on (0 = any free port).")
    seed: int = Field(0, description="Seed for content and for fault draws.")
    latency_ms: float = Field(0, ge=0, description="Added latency per request.")
    jitter_ms: float = Field(0, ge=0, description="Random extra latency, uniform in [0, jitter].")
    capacity: int | None = Field(
        None,
        ge=1,
        description="Concurrent requests served; more: 429.",
        json_schema_extra={"shown_default": "no limit"},
    )
    retry_after: float = Field(1.0, ge=0, description="Retry-After seconds sent with 429s.")
    error_rate_429: float = Field(0, ge=0, le=1, description="Share of requests answered 429.")
    error_rate_500: float = Field(0, ge=0, le=1, description="Share of requests answered 500.")
    error_rate_503: float = Field(0, ge=0, le=1, description="Share of requests answered 503.")
    drop_rate: float = Field(0, ge=0, le=1, description="Share of connections closed unanswered.")
    hang_rate: float = Field(0, ge=0, le=1, description="Share of requests answered very late.")
    hang_seconds: float = Field(30.0, ge=0, description="How late a hung request is answered.")
    truncate_rate: float = Field(0, ge=0, le=1, description="Share cut mid-list (finish=length).")
    malformed_rate: float = Field(0, ge=0, le=1, description="Share answered with no list.")
    wrong_answer_rate: float = Field(
        0, ge=0, le=1, description="Share of arithmetic answers whose final value is wrong."
    )
    reasoning: Literal["none", "field", "inline"] = Field(
        "none", description="Reasoning trace: none; field (message.reasoning_content); inline (<think>)."
    )
    ignore_logprobs: bool = Field(
        False, description="Answer without logprobs even when asked, like a server without support."
    )
    require_api_key: str | None = Field(None, description="Answer 401 unless this key is sent.")
    models: list[str] = Field(
        default_factory=list,
        description="Serve only these model names (404 for others); none: any name, listed as 'mock'.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning", description="debug logs one line per request; quiet by default."
    )


class DedupSettings(_Model):
    """Options of ``synthgen dedup``."""

    input: Path
    output: Path
    threshold: float = Field(0.7, gt=0, le=1, description="ROUGE-L F above which a record is dropped.")
    against: list[Path] = Field(default_factory=list, description="Files whose instructions seed the pool.")
    dropped: Path | None = Field(None, description="Write dropped records (with match) here.")


class FilterSettings(FilterOptions):
    """Options of ``synthgen filter``."""

    input: Path
    output: Path
    rejected: Path | None = Field(None, description="Write rejected records (with reason) here.")


ShapeName = Literal["alpaca", "messages", "sharegpt", "dpo"]


class StatsSettings(_Model):
    """Options of ``synthgen stats``."""

    input: Path
    html: Path | None = Field(None, description="Also write a self-contained HTML page with plots here.")
    seeds: Path | None = Field(
        None,
        description="Seed tasks for the nearest-seed ROUGE-L (default: the run's, else the bundled ones).",
    )
    json_output: bool = Field(False, description="Print the statistics as JSON on stdout.")
    threshold: float = Field(0.7, gt=0, le=1, description="ROUGE-L F above which a row is a near-duplicate.")
    sample: int = Field(
        1000, ge=0, description="Rows whose nearest other row is scored against all rows (0 = every row)."
    )
    seed: int = Field(0, description="Seed of that sample.")
    parser: Literal["auto", "heuristic", "spacy"] = Field(
        "auto",
        description="Verb/object extraction: auto (spaCy if an English model is installed), heuristic or spacy.",
    )


class ConvertSettings(_Model):
    """Options of ``synthgen convert``."""

    input: Path
    output: Path
    to: Literal["alpaca", "messages", "sharegpt", "dpo", "parquet", "hf"] = Field(
        description="Target format; parquet needs pyarrow, hf needs datasets (optional extras)."
    )
    from_shape: ShapeName | None = Field(
        None, description="Shape of the input rows; detected when not given."
    )
    shape: ShapeName | None = Field(
        None, description="Row shape inside parquet/hf output; the input's when not given."
    )
    conversational: bool = Field(False, description="dpo: TRL's conversational form (lists of messages).")
    order: Literal["keep", "curriculum", "shuffle"] = Field(
        "keep", description="Row order: as read, easy to hard, or shuffled with --seed."
    )
    seed: int = Field(0, description="Seed of --order shuffle.")


class CardSettings(_Model):
    """Options of ``synthgen card``."""

    input: Path
    output: Path | None = Field(None, description="Where to write the card; FILE.card.md when not given.")
    language: list[str] = Field(default_factory=lambda: ["en"], description="Language codes of the data.")


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a TOML config file into a flat dict of option names (``-`` becomes ``_``)."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}): a TOML config file must be UTF-8 text"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    if isinstance(data.get("generate"), dict):  # allow a [generate] table too
        data = {**{k: v for k, v in data.items() if k != "generate"}, **data["generate"]}
    return {key.replace("-", "_"): value for key, value in data.items()}


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


def build_settings(model: type[_M], overrides: dict[str, Any], config_path: Path | None = None) -> _M:
    """Merge config file and flags (flags win) into a validated settings object."""
    merged: dict[str, Any] = load_config_file(config_path) if config_path else {}
    flags = {k: v for k, v in overrides.items() if v is not None}
    merged.update(flags)
    try:
        return model.model_validate(merged, context={"flags": set(flags)})
    except ValidationError as exc:
        source = str(config_path) if config_path else "options"
        raise ConfigError(format_validation_error(exc, source)) from exc


# Settings fields whose flag is not their name with "-" for "_" ("from" is a Python keyword).
_FLAG_NAMES = {"from_shape": "from"}


def format_validation_error(exc: ValidationError, source: str) -> str:
    """One line per problem: ``source: field: message``."""
    lines = []
    for err in exc.errors():
        if not err["loc"] and err["type"] == "value_error":
            lines.append(str(err["ctx"]["error"]))  # a check across options names its flags
            continue
        field = ".".join(str(p) for p in err["loc"]) or "(root)"
        msg = "unknown option" if err["type"] == "extra_forbidden" else err["msg"]
        name = _FLAG_NAMES.get(field, field.replace("_", "-"))
        # A flag is named as typed (--num); a config-file key with its file.
        lines.append(f"--{name}: {msg}" if source == "options" else f"{source}: {name}: {msg}")
    return "\n".join(lines)
