"""Command line: flags -> one pydantic settings object per command -> a run -> one exit code.

``app`` is the typer application (``synthgen``); each module below registers its commands,
in the order ``synthgen --help`` lists them.
"""

# isort: off
from synthgen.cli import recipe_commands  # noqa: F401  generate, respond
from synthgen.cli import quality_commands  # noqa: F401  evolve, judge, pairs
from synthgen.cli import tool_commands  # noqa: F401  check, mock-teacher, dedup, filter, stats, convert, card
from synthgen.cli.app import app, main

# isort: on

__all__ = ["app", "main"]
