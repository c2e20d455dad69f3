"""Settings of the commands without a recipe: check, mock-teacher, dedup, filter, stats, convert,
merge (``card`` and ``push``: :mod:`synthgen.config.publish`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import (
    ConfigDict,
    Field,
)

from synthgen.config.markers import Flag
from synthgen.config.shared import (
    SIMILARITY_THRESHOLD,
    FilterOptions,
    SettingsModel,
    SimilarityThreshold,
    TeacherOptions,
)

# The threshold's old name in dedup and stats, accepted for one release.
_OLD_THRESHOLD = Flag(aliases=("--threshold",))


class CheckSettings(TeacherOptions):
    """Options of ``synthgen check``: the teacher's. A config file written for ``generate`` or
    ``respond`` is accepted as is; its other keys are ignored."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)
    # flags for what a check uses; the rest may come from the config file
    command_line: ClassVar[tuple[str, ...] | None] = (
        "teacher", "model", "base_url", "api_key_env", "request_timeout",
    )  # fmt: skip


# The mock teacher's escape attempts (synthgen.mock.code.ESCAPES; a test pins the two together).
ESCAPE_KINDS = (
    "network", "env_key", "write_outside", "read_home", "fork_bomb", "alloc_10gb", "infinite_loop",
    "print_1gb", "background", "delete_cwd",
)  # fmt: skip
EscapeKind = Literal[
    "network",
    "env_key",
    "write_outside",
    "read_home",
    "fork_bomb",
    "alloc_10gb",
    "infinite_loop",
    "print_1gb",
    "background",
    "delete_cwd",
]


class MockServerSettings(SettingsModel):
    """Options of ``synthgen mock-teacher``."""

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on (0 = any free port).")
    seed: int = Field(0, description="Seed for content and for fault draws.")
    latency_ms: float = Field(0, ge=0, description="Added latency per request.")
    jitter_ms: float = Field(0, ge=0, description="Random extra latency, uniform in [0, jitter].")
    capacity: Annotated[int | None, Flag(shown="no limit")] = Field(
        None, ge=1, description="Concurrent requests served; more: 429."
    )
    retry_after: float = Field(1.0, ge=0, description="Retry-After seconds sent with 429s.")
    error_rate_429: float = Field(0, ge=0, le=1, description="Share of requests answered 429.")
    error_rate_500: float = Field(0, ge=0, le=1, description="Share of requests answered 500.")
    error_rate_503: float = Field(0, ge=0, le=1, description="Share of requests answered 503.")
    drop_rate: float = Field(0, ge=0, le=1, description="Share of connections closed unanswered.")
    hang_rate: float = Field(0, ge=0, le=1, description="Share of requests answered very late.")
    hang_seconds: float = Field(30.0, ge=0, description="How late a hung request is answered.")
    hold_after: Annotated[int | None, Flag(shown="never")] = Field(
        None,
        ge=0,
        description="Serve this many completion requests, then hold every later one unanswered "
        "until its client leaves (a stalled server: stop a run at a known point).",
    )
    truncate_rate: float = Field(0, ge=0, le=1, description="Share cut mid-list (finish=length).")
    malformed_rate: float = Field(0, ge=0, le=1, description="Share answered with no list.")
    wrong_answer_rate: float = Field(
        0, ge=0, le=1, description="Share of arithmetic and coding answers that are wrong."
    )
    code_hang_rate: float = Field(0, ge=0, le=1, description="Share of coding answers that never end.")
    code_crash_rate: float = Field(0, ge=0, le=1, description="Share of coding answers that raise.")
    code_flood_rate: float = Field(0, ge=0, le=1, description="Share of coding answers printing ~20 MB.")
    code_escape_rate: float = Field(
        0, ge=0, le=1, description="Share of coding answers trying to escape the sandbox (--code-escapes)."
    )
    code_escapes: Annotated[list[EscapeKind], Flag(metavar="KIND[,KIND...]")] = Field(
        default_factory=lambda: list(ESCAPE_KINDS), description="The escape attempts drawn from."
    )
    reasoning: Literal["none", "field", "inline"] = Field(
        "none", description="Reasoning trace: none; field (message.reasoning_content); inline (<think>)."
    )
    ignore_logprobs: bool = Field(
        False, description="Answer without logprobs even when asked, like a server without support."
    )
    require_api_key: str | None = Field(None, description="Answer 401 unless this key is sent.")
    models: Annotated[list[str], Flag(name="--model", metavar="NAME")] = Field(
        default_factory=list,
        description="Serve only these model names (404 for others); none: any name, listed as 'mock'.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning", description="debug logs one line per request; quiet by default."
    )
    batch: bool = Field(True, description="Serve the Batch API (/v1/files, /v1/batches); off: 404.")
    batch_dir: Annotated[Path | None, Flag(shown="a new temporary folder")] = Field(
        None, description="Folder for batch files and batches."
    )
    batch_polls: int = Field(
        1, ge=1, description="A batch completes on its Nth retrieval (earlier ones: in_progress)."
    )
    batch_outcome: Literal["completed", "expired", "failed"] = Field(
        "completed",
        description="How batches end: completed; expired (the second half of the lines unanswered); failed.",
    )
    batch_max_requests: int = Field(50_000, ge=1, description="Requests per batch; more fails the batch.")
    hold_batch: Annotated[Literal["upload", "create", "created", "download"] | None, Flag(shown="never")] = (
        Field(
            None,
            description="Hold every such Batch API call unanswered until its client leaves (created: "
            "once the batch exists), to stop a --batch run at a known step.",
        )
    )


class DedupSettings(SettingsModel):
    """Options of ``synthgen dedup``."""

    input: Annotated[Path, Flag(argument=True, metavar="INPUT")] = Field(
        description="Alpaca JSON or JSONL file."
    )
    output: Annotated[Path, Flag("-o")] = Field(description="Where to write the kept records.")
    similarity_threshold: Annotated[SimilarityThreshold, _OLD_THRESHOLD] = Field(
        SIMILARITY_THRESHOLD, description="ROUGE-L F above which a record is dropped."
    )
    against: Annotated[list[Path], Flag(metavar="FILE")] = Field(
        default_factory=list, description="Files whose instructions seed the pool."
    )
    dropped: Path | None = Field(None, description="Write dropped records (with match) here.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Processes for the ROUGE-L look-ups (same decisions; each holds a copy of the pool).",
    )


class FilterSettings(FilterOptions):
    """Options of ``synthgen filter``."""

    input: Annotated[Path, Flag(argument=True, metavar="INPUT")] = Field(
        description="Alpaca JSON or JSONL file."
    )
    output: Annotated[Path, Flag("-o")] = Field(description="Where to write the kept records.")
    rejected: Path | None = Field(None, description="Write rejected records (with reason) here.")


ShapeName = Literal["alpaca", "messages", "sharegpt", "dpo", "prompt-completion", "kto", "prompt-only"]


class StatsSettings(SettingsModel):
    """Options of ``synthgen stats``."""

    input: Annotated[Path, Flag(argument=True, metavar="INPUT")] = Field(
        description="Dataset: alpaca, messages, ShareGPT or TRL rows (JSONL/JSON)."
    )
    html: Path | None = Field(None, description="Also write a self-contained HTML page with plots here.")
    seeds: Annotated[Path | None, Flag(shown="the run's, else the bundled ones")] = Field(
        None, description="Seed tasks for the nearest-seed ROUGE-L."
    )
    json_output: Annotated[bool, Flag(name="--json")] = Field(
        False, description="Print the statistics as JSON on stdout."
    )
    similarity_threshold: Annotated[SimilarityThreshold, _OLD_THRESHOLD] = Field(
        SIMILARITY_THRESHOLD, description="ROUGE-L F above which a row is a near-duplicate."
    )
    sample: int = Field(
        1000, ge=0, description="Rows whose nearest other row is scored against all rows (0 = every row)."
    )
    seed: int = Field(0, description="Seed of that sample.")
    parser: Literal["auto", "heuristic", "spacy"] = Field(
        "auto",
        description="Verb/object extraction: auto (spaCy if an English model is installed), heuristic or spacy.",
    )


class ConvertSettings(SettingsModel):
    """Options of ``synthgen convert``."""

    input: Annotated[Path, Flag(argument=True, metavar="INPUT")] = Field(
        description="Dataset file (JSONL, JSON array, .parquet) or saved dataset folder."
    )
    output: Annotated[Path, Flag("-o")] = Field(description="Where to write the converted dataset.")
    to: Literal[
        "alpaca", "messages", "sharegpt", "dpo", "prompt-completion", "kto", "prompt-only", "parquet", "hf"
    ] = Field(description="Target format; parquet needs pyarrow, hf needs datasets (optional extras).")
    from_shape: Annotated[ShapeName | None, Flag(name="--from")] = Field(
        None, description="Shape of the input rows; detected when not given."
    )
    shape: ShapeName | None = Field(
        None, description="Row shape inside parquet/hf output; the input's when not given."
    )
    conversational: bool = Field(
        False,
        description="dpo, prompt-completion, kto, prompt-only: TRL's conversational form (lists of messages).",
    )
    drop_reasoning: bool = Field(
        False, description="Leave reasoning traces out (kept by default, inline where a shape has no field)."
    )
    order: Literal["keep", "curriculum", "shuffle"] = Field(
        "keep", description="Row order: as read, easy to hard, or shuffled with --seed."
    )
    seed: int = Field(0, description="Seed of --order shuffle.")


class MergeSettings(SettingsModel):
    """Options of ``synthgen merge``: a sharded run's shards joined into its output."""

    output: Annotated[Path, Flag(argument=True, metavar="OUT")] = Field(
        description="The run's output (the -o the shards were run with)."
    )
    shards: Annotated[list[Path], Flag(argument=True, metavar="[SHARD|FOLDER]...")] = Field(
        default_factory=list, description="Shard files or folders of them (default: OUT.shards/)."
    )
    seeds: Path | None = Field(
        None, description="The seed file the shards used, when its recorded path does not reach it."
    )
    overwrite: bool = Field(False, description="Replace an existing OUT.")
    quiet: Annotated[bool, Flag("-q")] = Field(False, description="No summary.")
    json_report: Annotated[bool, Flag(name="--json")] = Field(
        False, description="Print the merged run report as JSON on stdout."
    )
    card: Literal["beside", "readme", "none"] = Field(
        "beside", description="Dataset card: OUT.card.md, README.md in the output folder, or none."
    )
    follow: bool = Field(
        False,
        description="Start with (or before) the shards and merge their rows as they are written; "
        "shards not started yet are waited for while others run.",
    )
    follow_timeout: Annotated[float, Flag(metavar="SECONDS")] = Field(
        600.0,
        gt=0,
        description="With --follow: how long a started shard may neither write nor hold its lock "
        "(killed, not rerun), or a shard stay unstarted once every other one ended, before the "
        "merge stops (exit 2).",
    )
    follow_poll: Annotated[float, Flag(metavar="SECONDS")] = Field(
        0.5, gt=0, description="With --follow: seconds between looks at the shards."
    )
    workers: Annotated[int, Flag(metavar="N")] = Field(
        1,
        ge=1,
        le=64,
        description="Processes for the ROUGE-L look-ups of generate's shards (same bytes; each holds "
        "a copy of the pool).",
    )
