"""``--verify code``: an answer's code against its row's tests, in the sandbox.

    answer text -> extract_code -> code_job (harness + job file) -> SandboxPool.run
               -> read_result -> CodeVerdict (passed/total, first failure, run time)

A sample is correct when the harness reports every test run and passed, within the limits.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from synthgen.verify.code_tests import TestPlan
from synthgen.verify.sandbox import SandboxJob, SandboxResult

HARNESS_ARGV = ["python", "-I", "-S", "-B", "harness.py", "job.json"]
FAILURE_CHARS = 300


@dataclass(frozen=True)
class CodeVerdict:
    """What running one answer's code showed. ``status``: ``passed``, ``failed`` (a test
    failed, or the code did not run), ``timeout``, ``output_limit``, ``crashed`` (ended
    before the tests did), ``no_code`` (the answer holds none) or ``sandbox_error``."""

    status: str
    passed: int
    total: int
    first_failure: str | None
    seconds: float

    @property
    def correct(self) -> bool:
        return self.status == "passed"

    def meta(self) -> dict[str, object]:
        """The fields of the sample's meta line."""
        return {
            "tests_passed": self.passed,
            "tests_total": self.total,
            "first_failure": self.first_failure,
            "run_seconds": round(self.seconds, 3),
        }


@functools.cache
def harness_source() -> str:
    return resources.files("synthgen.verify").joinpath("code_harness.py").read_text(encoding="utf-8")


def code_job(code: str, plan: TestPlan, *, exact: bool = False, output_limit: int = 1 << 20) -> SandboxJob:
    """The sandbox job that runs ``code`` against ``plan``."""
    job = plan.harness_job(code, exact=exact, output_limit=output_limit)
    return SandboxJob({"harness.py": harness_source(), "job.json": json.dumps(job)}, HARNESS_ARGV)


def no_code(plan: TestPlan) -> CodeVerdict:
    return CodeVerdict("no_code", 0, plan.total, "the answer holds no Python code", 0.0)


def read_result(result: SandboxResult, total: int) -> CodeVerdict:
    """The verdict on a finished sandbox run of :func:`code_job`."""
    passed, failure, done = _read_report(result.report)
    status, why = _status(result, passed, total, done)
    return CodeVerdict(status, passed, total, _shorten(why or failure), result.seconds)


def _read_report(report: str) -> tuple[int, str | None, bool]:
    """(tests passed, the first failure, whether the harness finished) from its events."""
    passed, failure, done = 0, None, False
    for line in report.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue  # not the harness's: the code wrote on its channel
        if not isinstance(event, dict):
            continue
        if event.get("ok") is True:
            passed += 1
        elif failure is None and (event.get("ok") is False or "error" in event):
            number = event.get("test")
            prefix = f"test {number + 1}: " if isinstance(number, int) else ""
            failure = prefix + str(event.get("error"))
        done = done or event.get("done") is True
    return passed, failure, done


def _status(result: SandboxResult, passed: int, total: int, done: bool) -> tuple[str, str | None]:
    if result.error is not None:
        return "sandbox_error", f"sandbox failed: {result.error}"
    if result.timed_out:
        return "timeout", f"timed out after {result.seconds:.1f} s ({passed} of {total} tests passed)"
    if result.output_limited:
        return "output_limit", f"stopped: wrote more than the output limit ({result.output_bytes} bytes)"
    if not done:
        last = (result.stderr.strip().splitlines() or [""])[-1]
        why = f"exited with code {result.exit_code} before the tests finished"
        return "crashed", f"{why}: {last}" if last else why
    return ("passed", None) if passed == total else ("failed", None)


def _shorten(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= FAILURE_CHARS else text[: FAILURE_CHARS - 3] + "..."
