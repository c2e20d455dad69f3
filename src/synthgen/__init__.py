"""synthgen: expand seed tasks into an Alpaca-format dataset with a teacher LLM."""

from synthgen.config import Settings
from synthgen.errors import ConfigError, InputError, SynthgenError, TeacherError
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
