"""The test harness: runs inside the sandbox as ``python -I -S harness.py job.json``.

Standard library only, and no import of synthgen (the sandbox has the interpreter's standard
library and nothing else). It reads the job, runs the answer's code against the tests and
writes one JSON line per event on file descriptor 3 (stdout and stderr belong to the code):

    {"test": i, "ok": true}                       test i passed
    {"test": i, "ok": false, "error": "..."}      test i failed, and why
    {"error": "..."}                              the code (or the tests' setup) failed to run
    {"done": true}                                every test was run

Two shapes of tests (prepared by :mod:`synthgen.verify.code_tests`):

* ``units``: Python statements run in order in the namespace where the answer's code ran;
  a ``test`` unit passes when it runs without an exception (an ``assert``, or
  ``check(entry_point)``), a ``setup`` unit must run for later tests to be tried;
* ``cases``: stdin/stdout pairs: the code runs as ``__main__`` in a forked process per
  case, its stdout compared to the expected output by whitespace-separated tokens, or
  exactly.
"""

from __future__ import annotations

import json
import os
import selectors
import sys

REPORT_FD = 3
ERROR_CHARS = 300


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    os.remove(sys.argv[1])  # not left where the code could read the expected answers
    report = os.fdopen(REPORT_FD, "w", buffering=1, encoding="utf-8")
    if "units" in job:
        run_units(job["code"], job["units"], report)
    else:
        run_cases(job["code"], job["cases"], job.get("exact", False), int(job["output_limit"]), report)
    report.write('{"done": true}\n')
    report.flush()


def emit(report, **event) -> None:  # type: ignore[no-untyped-def]
    report.write(json.dumps(event) + "\n")


def describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return " ".join(text.split())[:ERROR_CHARS]


def run_units(code: str, units: list[list[str]], report) -> None:  # type: ignore[no-untyped-def]
    namespace: dict[str, object] = {"__name__": "__answer__"}
    try:
        exec(compile(code, "answer.py", "exec"), namespace)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the code ended itself
        emit(report, error=f"the code failed to run: {describe(exc)}")
        return
    number = 0
    for kind, source in units:
        try:
            exec(compile(source, f"test_{number}.py", "exec"), namespace)
        except BaseException as exc:
            if kind == "setup":
                emit(report, error=f"the tests' setup failed: {describe(exc)}")
                return
            detail = describe(exc)
            if isinstance(exc, AssertionError) and not str(exc):
                detail = f"AssertionError: {' '.join(source.split())[:ERROR_CHARS]}"
            emit(report, test=number, ok=False, error=detail)
        else:
            if kind == "test":
                emit(report, test=number, ok=True)
        number += kind == "test"


def run_cases(code: str, cases: list[dict[str, str]], exact: bool, limit: int, report) -> None:  # type: ignore[no-untyped-def]
    try:
        program = compile(code, "answer.py", "exec")
    except SyntaxError as exc:
        emit(report, error=f"the code failed to run: {describe(exc)}")
        return
    for number, case in enumerate(cases):
        got, failure = run_case(program, case["input"], limit)
        if failure is None:
            failure = compare(case["output"], got, exact)
        if failure is None:
            emit(report, test=number, ok=True)
        else:
            emit(report, test=number, ok=False, error=failure)


def run_case(program, stdin_text: str, limit: int) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    """The code's stdout on ``stdin_text`` (in a fresh forked process), and why it failed."""
    with open("/tmp/.stdin", "w", encoding="utf-8") as handle:
        handle.write(stdin_text)
    out_read, out_write = os.pipe()
    status_read, status_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(out_read)
        os.close(status_read)
        _case_child(program, out_write, status_write)
    os.close(out_write)
    os.close(status_write)
    output, over = _collect(out_read, pid, limit)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(status_read, "rb") as handle:
        error = handle.read(ERROR_CHARS * 4).decode("utf-8", "replace")
    os.close(out_read)
    text = output.decode("utf-8", "replace")
    if over:
        return text, f"wrote more than the output limit ({limit} bytes)"
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return text, error or f"exit code {code}"
    return text, None


def _case_child(program, out_write: int, status_write: int) -> None:  # type: ignore[no-untyped-def]
    stdin = os.open("/tmp/.stdin", os.O_RDONLY)
    os.dup2(stdin, 0)
    os.dup2(out_write, 1)
    os.close(REPORT_FD)  # the code cannot write test results
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - for the code's life
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    code = 0
    try:
        exec(program, {"__name__": "__main__"})
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if code:
            os.write(status_write, f"exit code {code}: {describe(exc)}".encode())
    except BaseException as exc:
        code = 1
        os.write(status_write, describe(exc).encode())
    try:
        sys.stdout.flush()
    except BaseException:
        code = code or 1
    os._exit(code)


def _collect(fd: int, pid: int, limit: int) -> tuple[bytes, bool]:
    """Read the case's stdout until it exits (not until end-of-output: a process it left
    behind may hold the pipe open), at most ``limit`` bytes (and whether there was more)."""
    selector = selectors.DefaultSelector()
    os.set_blocking(fd, False)
    selector.register(fd, selectors.EVENT_READ)
    pidfd = os.pidfd_open(pid)
    selector.register(pidfd, selectors.EVENT_READ)
    output = bytearray()
    exited = False
    while not exited and len(output) <= limit:
        for key, _ in selector.select():
            if key.fd == pidfd:
                exited = True
            elif not _drain(fd, output):
                selector.unregister(fd)  # end-of-output: now only the exit is awaited
    if len(output) > limit:
        os.kill(pid, 9)
    else:
        _drain(fd, output)
    selector.close()
    os.close(pidfd)
    return bytes(output[:limit]), len(output) > limit


def _drain(fd: int, output: bytearray) -> bool:
    """Read what is there; False at end-of-output."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        output += chunk


def compare(expected: str, got: str, exact: bool) -> str | None:
    """None when ``got`` is right; else the first differing line, expected and got."""
    if exact:
        if got == expected:
            return None
        want_lines, got_lines = expected.split("\n"), got.split("\n")
    else:
        if got.split() == expected.split():
            return None
        want_lines = [" ".join(line.split()) for line in expected.splitlines() if line.strip()]
        got_lines = [" ".join(line.split()) for line in got.splitlines() if line.strip()]
    for number in range(max(len(want_lines), len(got_lines))):
        want = want_lines[number] if number < len(want_lines) else "<end of output>"
        seen = got_lines[number] if number < len(got_lines) else "<end of output>"
        if want != seen:
            return f"line {number + 1}: expected {want[:100]!r}, got {seen[:100]!r}"
    return "output differs"  # tokens split across lines differently


if __name__ == "__main__":
    main()
