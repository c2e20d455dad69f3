"""synthgen: expand seed tasks into an Alpaca-format dataset with a teacher LLM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synthgen.errors import ConfigError, InputError, SynthgenError, TeacherError

if TYPE_CHECKING:
    from synthgen.config import Settings
    from synthgen.records import AlpacaRecord, Candidate, Completion, SeedTask

__version__ = "0.1.0"

__all__ = [
    "AlpacaRecord",
    "Candidate",
    "Completion",
    "ConfigError",
    "InputError",
    "SeedTask",
    "Settings",
    "SynthgenError",
    "TeacherError",
    "__version__",
]

# Loaded on first use: importing any part of the package (e.g. in the screening worker) need
# not build every settings model first (~0.1 s of CPU per process).
_LAZY = {
    "Settings": "synthgen.config",
    "AlpacaRecord": "synthgen.records",
    "Candidate": "synthgen.records",
    "Completion": "synthgen.records",
    "SeedTask": "synthgen.records",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'synthgen' has no attribute {name!r}")
