"""Dataset cards: a ``README.md``-style description written beside a dataset.

The header is the YAML block the Hugging Face Hub reads from a dataset's README (``license``,
``pretty_name``, ``language``, ``annotations_creators``, ``source_datasets``,
``task_categories``, ``size_categories`` with the Hub's buckets, ``tags``, and a ``configs``
block naming the data file, so that ``load_dataset`` on the repository reads that file and not
the meta or report files beside it); the body says how the data was made (teacher, synthgen
version, command, configuration without secrets or local paths), what is in it, and what
synthetic data is not.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from synthgen import __version__
from synthgen.io.files import atomic_writer, output_errors

# The Hub's size_categories values (huggingface_hub's DatasetCardData documents them).
_SIZE_BUCKETS = (
    (10**3, "n<1K"), (10**4, "1K<n<10K"), (10**5, "10K<n<100K"), (10**6, "100K<n<1M"),
    (10**7, "1M<n<10M"), (10**8, "10M<n<100M"), (10**9, "100M<n<1B"), (10**10, "1B<n<10B"),
    (10**11, "10B<n<100B"), (10**12, "100B<n<1T"),
)  # fmt: skip
# Option names that could hold a secret (the name of an environment variable, *_env, is fine).
_SECRET_NAME = re.compile(r"(^|_)(api_?key|secret|password|passwd|token|authorization|credentials?)($|_)")
# Options that name local files: the card shows the file's name only (no user's paths), and
# the cache's location not at all.
_PATH_OPTIONS = {
    "input",
    "output",
    "seeds",
    "prompt",
    "judge_prompt",
    "against",
    "html",
    "dropped",
    "rejected",
}
_PRIVATE_OPTIONS = {"cache_path"}
# What each file published beside the data holds (io.beside.published_beside names them).
_FILE_NOTES = {
    ".meta.jsonl": "one line per row, line i for row i: where it came from (request, model, "
    "endpoint; the sample, verification flag or judge grade where there is one)",
    ".logprobs.parquet": "the teacher's top-K token log-probabilities for each row's answer "
    "(soft targets for distillation), one row per line of the data file",
    ".report.json": "the run report: configuration (no secrets or local paths), counts, token usage and cost",
}

LIMITATIONS = """\
- **Made by a model, checked by heuristics.** Every instruction and answer was written by the
  teacher model(s) above. synthgen drops unparseable, blocklisted, refused and near-duplicate
  items, but nothing here was verified by a person: answers can be wrong, out of date, or
  confidently invented (hallucinated), and the mistakes look as fluent as the right answers.
- **The teacher's habits are inherited.** Style, biases, blind spots and refusals of the
  teacher carry over to any model trained on this data, as does its knowledge cut-off.
- **Terms of use.** Many model providers restrict using their outputs to train competing
  models. Check the teacher's licence and terms before training on or publishing this data
  (the `license` field above is yours to set: `synthgen card FILE --license ID`).
- **Narrow by construction.** Tasks grow out of the seed tasks and the prompt template, so
  topics, lengths and phrasings cluster around them (see the statistics above and
  `synthgen stats` for the leading verbs and ROUGE-L similarity).
"""


@dataclass
class CardInfo:
    """What a card says about one dataset file."""

    dataset: Path
    rows: int
    shape: str = "alpaca"
    teacher_models: list[str] = field(default_factory=list)
    endpoint_kinds: list[str] = field(default_factory=list)
    synthgen_version: str = __version__
    command: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)  # headline figures, name -> value
    notes: list[str] = field(default_factory=list)  # what a reader must know (instructions only, ...)
    language: list[str] = field(default_factory=lambda: ["en"])
    task_categories: list[str] = field(default_factory=lambda: ["text-generation"])
    license: str | None = None
    pretty_name: str | None = None
    source_datasets: list[str] = field(default_factory=list)
    batch: dict[str, str] = field(default_factory=dict)  # --batch runs: figure -> value
    files: list[str] = field(default_factory=list)  # published beside the data (io.beside)


def size_category(rows: int) -> str:
    """The Hub's ``size_categories`` bucket for ``rows`` examples."""
    return next((label for limit, label in _SIZE_BUCKETS if rows < limit), "n>1T")


def public_config(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` without anything that could be a secret or a local path: secret-looking
    option names and the cache's path are dropped, file options keep only the file's name, URLs
    lose their user:password@ part and query string."""
    clean: dict[str, Any] = {}
    for name, value in config.items():
        if (_SECRET_NAME.search(name.lower()) and not name.endswith("_env")) or name in _PRIVATE_OPTIONS:
            continue
        clean[name] = _file_names(value) if name in _PATH_OPTIONS else _scrub(value)
    return clean


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return public_config(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str) and "://" in value:
        return public_url(value)
    if isinstance(value, str) and _is_local_path(value):
        return Path(value.lstrip("@")).name
    return value


def public_url(url: str) -> str:
    """``url`` without its user:password@ part and its query string."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _file_names(value: Any) -> Any:
    if isinstance(value, list):
        return [_file_names(v) for v in value]
    return Path(value).name if isinstance(value, str) else value


def _is_local_path(text: str) -> bool:
    bare = text.lstrip("@")  # --system @FILE
    return bare.startswith(("/", "~")) and "\n" not in bare


def public_command(argv: list[str]) -> str:
    """A command line as the card shows it: absolute and home paths reduced to file names."""
    shown = []
    for arg in argv:
        flag, eq, value = arg.partition("=") if arg.startswith("--") else ("", "", arg)
        if _is_local_path(value):
            value = ("@" if value.startswith("@") else "") + Path(value.lstrip("@")).name
        shown.append(f"{flag}{eq}{value}")
    return shlex.join(shown)


def _yaml_list(name: str, values: list[str]) -> list[str]:
    # JSON strings are valid YAML double-quoted scalars.
    return [f"{name}:", *(f"- {json.dumps(v)}" for v in values)]


def render_card(info: CardInfo) -> str:
    """The card's text: YAML header, then Markdown."""
    preference = info.shape in ("dpo", "kto")
    tags = ["synthetic", "synthgen", "preference" if preference else "instruction-tuning"]
    license_line = (
        f"license: {info.license}"
        if info.license
        else "license: unknown  # set it: synthgen card FILE --license ID (it depends on the teacher's terms)"
    )
    header = [
        "---",
        license_line,
        f"pretty_name: {json.dumps(info.pretty_name or info.dataset.stem)}",
        *_yaml_list("language", info.language),
        *_yaml_list("annotations_creators", ["machine-generated"]),
        *_yaml_list("language_creators", ["machine-generated"]),
        *(_yaml_list("source_datasets", info.source_datasets) if info.source_datasets else []),
        *_yaml_list("task_categories", info.task_categories),
        *_yaml_list("size_categories", [size_category(info.rows)]),
        *_yaml_list("tags", tags),
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f"    path: {json.dumps(info.dataset.name)}",
        "---",
    ]
    return "\n".join(header) + "\n" + _body(info)


def _body(info: CardInfo) -> str:
    teachers = ", ".join(f"`{m}`" for m in info.teacher_models) or "not recorded"
    endpoints = ", ".join(info.endpoint_kinds) or "not recorded"
    stats = "\n".join(f"| {name} | {value} |" for name, value in info.stats.items())
    notes = "".join(f"\n> **{note}**\n" for note in info.notes)
    return f"""
# {info.pretty_name or info.dataset.name}

A synthetic dataset of **{info.rows:,} rows** ({info.shape} format, file `{info.dataset.name}`),
made with synthgen: every instruction and/or answer was written by a teacher language model.
{notes}
## How it was made

| | |
| --- | --- |
| teacher model(s) | {teachers} |
| endpoint kind(s) | {endpoints} |
| synthgen version | {info.synthgen_version} |
| command | {f"`{info.command}`" if info.command else "not recorded"} |

Configuration (no secrets, no local paths):

```json
{json.dumps(public_config(info.config), indent=2, sort_keys=True, default=str)}
```

{_batch_section(info.batch)}
## What is in it

| figure | value |
| --- | --- |
| rows | {info.rows:,} |
{stats}
{_files_section(info)}
## Limitations of synthetic data

{LIMITATIONS}"""


def _files_section(info: CardInfo) -> str:
    """The files published with the data (``synthgen push``), and what each holds."""
    if not info.files:
        return ""
    name = info.dataset.name
    rows = "".join(f"| `{f}` | {_FILE_NOTES.get(f.removeprefix(name), '')} |\n" for f in info.files)
    return f"""
## Files

| file | what it holds |
| --- | --- |
| `{name}` | the rows: the `default` config, what `load_dataset` reads |
{rows}
Only the data file is in the `configs:` block; the others are read by name (`hf_hub_download`,
or `load_dataset("json" / "parquet", data_files=...)`).
"""


def _batch_section(figures: dict[str, str]) -> str:
    """How much went through the Batch API (``--batch``), when anything did."""
    if not figures:
        return ""
    rows = "\n".join(f"| {name} | {value} |" for name, value in figures.items())
    return f"""
### Batch API

Requests went through an OpenAI-compatible Batch API (`--batch`: half price, answered within
24 hours), collected by later runs.

| | |
| --- | --- |
{rows}
"""


_COMMAND_ROW = re.compile(r"^\| command \| `(.+)` \|$", re.MULTILINE)


def recorded_command(card: Path, dataset: Path) -> str | None:
    """The command an earlier card of ``dataset`` at ``card`` recorded (a run writes it; a later
    ``synthgen card`` keeps it), or None."""
    try:
        text = card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if f"file `{dataset.name}`" not in text:
        return None  # another dataset's card (a README.md shared by a folder)
    found = _COMMAND_ROW.search(text)
    return found.group(1) if found else None


def write_card(path: Path, info: CardInfo) -> None:
    """Write the card for ``info`` to ``path`` atomically."""
    text = render_card(info)
    with output_errors(path), atomic_writer(path) as handle:
        handle.write(text)
