"""Options of ``--shard``: one of N independent processes of a run, merged by ``synthgen merge``.

The shard's number comes from the flag (``--shard 3/16``) or, with ``--shard auto`` (or
``--shards N`` alone), from the cluster engine that started the process:

* Slurm job arrays set ``SLURM_ARRAY_TASK_ID`` and ``SLURM_ARRAY_TASK_COUNT`` (and
  ``SLURM_ARRAY_TASK_MIN``: an array ``--array=1-16`` numbers its tasks from 1);
* Kubernetes Indexed Jobs set ``JOB_COMPLETION_INDEX`` (0 to completions - 1); the count lives
  in the Job spec only, so it is passed with ``--shards N``.

Precedence: the flag's ``I/N``, else the environment. Nothing shards a run by itself: a
process started by a job array without ``--shard``/``--shards`` is an ordinary run, and
``--shard none`` makes one of a config file that says ``shard = "auto"``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from synthgen.config.markers import Flag
from synthgen.config.shared import SettingsModel
from synthgen.errors import UsageError

MAX_SHARD_MARGIN = 10.0  # --shard-margin: at most 10x a shard's share
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class ShardNumber:
    """Shard ``index`` of ``count`` (0 <= index < count)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


class ShardOptions(SettingsModel):
    """``--shard`` and ``--shards`` (every command that asks a teacher mixes this in)."""

    help_section: ClassVar[str] = "Sharding"

    shard: Annotated[str | None, Flag(metavar="I/N|auto|none")] = Field(
        None,
        description="Run shard I of N (0-based) and write OUT.shards/; `synthgen merge` joins them. "
        "auto: from SLURM_ARRAY_TASK_ID/_COUNT or JOB_COMPLETION_INDEX; none: not a shard.",
    )
    shards: int | None = Field(
        None,
        ge=1,
        description="The shard count N for --shard auto (needed with JOB_COMPLETION_INDEX); implies auto.",
    )
    shard_margin: Annotated[float | None, Flag(metavar="FRACTION", shown="by N")] = Field(
        None,
        ge=0,
        le=MAX_SHARD_MARGIN,
        description="Rows a shard counts beyond its share of --num, as a fraction of it (tasks new to "
        "one shard may be similar to another's). Default: 0 for one shard, 0.1 + 0.025*log2(N) for "
        "generate, 0.1 for the others.",
    )

    @field_validator("shard")
    @classmethod
    def _shard_syntax(cls, value: str | None) -> str | None:
        if value is None or value.strip() in ("auto", "none"):
            return None if value is None else value.strip()
        number = _parse(value)
        return f"{number.index}/{number.count}"

    def shard_number(self, environ: Mapping[str, str] | None = None) -> ShardNumber | None:
        """This process's shard, or None for an ordinary run (UsageError: exit 2, one line)."""
        if self.shard == "none" or (self.shard is None and self.shards is None):
            return None
        if self.shard not in (None, "auto"):
            number = _parse(self.shard)
            if self.shards is not None and self.shards != number.count:
                raise UsageError(
                    f"--shard {self.shard} and --shards {self.shards} disagree on the shard count"
                )
            return number
        return _from_environment(os.environ if environ is None else environ, self.shards)


def _parse(text: str) -> ShardNumber:
    found = _SHARD.fullmatch(text)
    if not found:
        raise UsageError(f"--shard {text}: expected I/N (shard I of N, from 0), e.g. --shard 0/4, or auto")
    index, count = int(found[1]), int(found[2])
    if count < 1:
        raise UsageError(f"--shard {text}: the shard count must be at least 1")
    if index >= count:
        raise UsageError(
            f"--shard {text}: shards are numbered 0 to {count - 1}, so {index} is not one of them"
        )
    return ShardNumber(index, count)


def _from_environment(environ: Mapping[str, str], count: int | None) -> ShardNumber:
    """The shard from a Kubernetes Indexed Job's or a Slurm job array's variables."""
    if "JOB_COMPLETION_INDEX" in environ:
        if count is None:
            raise UsageError(
                "JOB_COMPLETION_INDEX is set but not the shard count: pass --shards N "
                "(the Job's spec.completions)"
            )
        return _parse(f"{_integer(environ, 'JOB_COMPLETION_INDEX')}/{count}")
    if "SLURM_ARRAY_TASK_ID" in environ:
        task = _integer(environ, "SLURM_ARRAY_TASK_ID") - _integer(environ, "SLURM_ARRAY_TASK_MIN", 0)
        if "SLURM_ARRAY_TASK_COUNT" not in environ and count is None:
            raise UsageError("SLURM_ARRAY_TASK_COUNT is not set: pass --shards N")
        tasks = _integer(environ, "SLURM_ARRAY_TASK_COUNT", count)
        if count is not None and tasks != count:
            raise UsageError(
                f"--shards {count} but the Slurm array has {tasks} tasks (SLURM_ARRAY_TASK_COUNT)"
            )
        if task >= tasks:
            raise UsageError(
                f"Slurm array task {task} of {tasks}: number the array's tasks without gaps "
                "(--array=0-N or 1-N, no step)"
            )
        return _parse(f"{task}/{tasks}")
    raise UsageError(
        "--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID "
        "(Slurm job array) is set; pass --shard I/N"
    )


def _integer(environ: Mapping[str, str], name: str, default: int | None = None) -> int:
    value = environ.get(name)
    if value is None:
        if default is None:
            raise UsageError(f"{name} is not set")
        return default
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not a whole number") from None
