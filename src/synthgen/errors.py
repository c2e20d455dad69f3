"""User-facing errors. The CLI (:func:`synthgen.cli.app.user_errors`) catches :class:`SynthgenError`,
prints one line and exits.

    SynthgenError            exit_code 1
    ├── UsageError           exit_code 2  bad flag / option combination
    │   ├── ConfigError      exit_code 2  bad config file or value
    │   ├── OutputError      exit_code 2  an output path that cannot be written (every command)
    │   └── LockHeldError    exit_code 2  another run holds the output's lock
    ├── InputError           exit_code 2  bad seed / dataset / template file (may list many problems)
    ├── HubError             exit_code 1  the Hugging Face Hub refused or failed a push (nothing committed)
    └── TeacherError         exit_code 1  the teacher failed for good (auth, model, too many failures)
        └── TransientTeacherError         worth retrying (429, 5xx, timeout, ...)
            └── UnusableAnswer            an answer the recipe cannot use (asked once more, then screened)

Lower-level exceptions (the SDK's, OSError, pydantic's) are translated into these at
the module boundary with ``raise ... from exc``. The codes come from the one table in
:mod:`synthgen.exit_codes`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from synthgen.exit_codes import FAILURE, USAGE

if TYPE_CHECKING:
    from synthgen.records import Completion, Usage


class SynthgenError(Exception):
    """Base of every error a user may see; ``str(err)`` is the message."""

    exit_code = FAILURE


class UsageError(SynthgenError):
    exit_code = USAGE


class ConfigError(UsageError):
    exit_code = USAGE


class OutputError(UsageError):
    """An output file or folder that cannot be created or written."""

    exit_code = USAGE


class LockHeldError(UsageError):
    exit_code = USAGE


class HubError(SynthgenError):
    """``synthgen push``: the Hub refused the token or the upload, or the connection failed."""


class InputError(SynthgenError):
    """A bad input file. ``problems`` holds one ``file:line: field: message`` line each.

    The message says each problem once: the same ``field: message`` on many rows of a file
    (a wrong ``--prompt-field``: every row) is one line with the count and the first line
    numbers, and at most :data:`SHOWN_PROBLEMS` lines are shown.
    """

    exit_code = USAGE

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(summarize_problems(self.problems)))


SHOWN_PROBLEMS = 20  # distinct problems listed in one error
SHOWN_LINES = 5  # line numbers listed for a problem found on many rows
_LOCATED = re.compile(r"(?P<file>.+?):(?P<line>\d+): (?P<message>.*)", re.DOTALL)


def summarize_problems(problems: list[str]) -> list[str]:
    """``problems`` with each ``file:line: message`` that repeats on other lines said once:
    ``file:3: message (in 500 rows: lines 3, 4, 7, 9, 12, ...)``; at most SHOWN_PROBLEMS lines."""
    lines: dict[tuple[str, str], list[str]] = {}  # (file, message) -> its line numbers, in order
    for problem in problems:
        located = _LOCATED.fullmatch(problem)
        key = (located["file"], located["message"]) if located else (problem, "")
        lines.setdefault(key, []).append(located["line"] if located else "")
    shown = [_said_once(file, message, numbers) for (file, message), numbers in lines.items()]
    if len(shown) > SHOWN_PROBLEMS:
        shown = [*shown[:SHOWN_PROBLEMS], f"... and {len(shown) - SHOWN_PROBLEMS} more"]
    return shown


def _said_once(file: str, message: str, numbers: list[str]) -> str:
    if not message:  # not located in a file: as given
        return file
    if len(numbers) == 1:
        return f"{file}:{numbers[0]}: {message}"
    shown = ", ".join(numbers[:SHOWN_LINES]) + (", ..." if len(numbers) > SHOWN_LINES else "")
    return f"{file}:{numbers[0]}: {message} (in {len(numbers)} rows: lines {shown})"


class TeacherError(SynthgenError):
    exit_code = FAILURE


class TransientTeacherError(TeacherError):
    """A failure worth retrying (429, 5xx, timeout, dropped connection, cut-off reply).

    ``retry_after`` is the server's requested wait in seconds, when it sent one; ``status``
    the HTTP status of an error answer; ``usage`` what the server reported for the failed
    attempt, if anything (it counts against the budgets).
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        usage: Usage | None = None,
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status
        self.usage = usage


class UnusableAnswer(TransientTeacherError):
    """An answer a recipe cannot use (e.g. a judge's answer with no score), raised by its
    ``validate``: asked again at once, at most :attr:`RETRIES` times (not ``--max-retries``:
    a judge samples at temperature 0 with a fixed seed, so asking again mostly brings the same
    reply, and every time is paid for), then the last answer goes to the screen anyway, which
    counts it (instead of failing the request)."""

    RETRIES = 1

    def __init__(self, message: str, completion: Completion):
        super().__init__(message, retry_after=0.0)
        self.completion = completion
