"""User-facing errors. The CLI (:func:`synthgen.cli.app.user_errors`) catches :class:`SynthgenError`,
prints one line and exits.

    SynthgenError            exit_code 1
    ├── UsageError           exit_code 2  bad flag / option combination
    │   ├── ConfigError      exit_code 2  bad config file or value
    │   ├── OutputError      exit_code 2  an output path that cannot be written (every command)
    │   └── LockHeldError    exit_code 2  another run holds the output's lock
    ├── InputError           exit_code 2  bad seed / dataset / template file (may list many problems)
    └── TeacherError         exit_code 1  the teacher failed for good (auth, model, too many failures)
        └── TransientTeacherError         worth retrying (429, 5xx, timeout, ...)
            └── UnusableAnswer            an answer the recipe cannot use (retried, then screened)

Lower-level exceptions (the SDK's, OSError, pydantic's) are translated into these at
the module boundary with ``raise ... from exc``. The codes come from the one table in
:mod:`synthgen.exit_codes`.
"""

from __future__ import annotations

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


class InputError(SynthgenError):
    """A bad input file. ``problems`` holds one ``file:line: field: message`` line each."""

    exit_code = USAGE

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


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
    ``validate``: asked again at once, and when the retries are used up the last answer goes
    to the screen anyway, which counts it (instead of failing the request)."""

    def __init__(self, message: str, completion: Completion):
        super().__init__(message, retry_after=0.0)
        self.completion = completion
