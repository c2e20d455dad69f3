"""Shared fixtures: no real key, caches in a temp dir, helpers to run the CLI."""

from __future__ import annotations

import functools
import json
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from synthgen.cli import app


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test may see a real API key or write into the user's cache directory."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SYNTHGEN_DEBUG", raising=False)
    # No fsync (its processes inherit this too): each waits for the disk, ~2,700 of them took
    # ~15 s of the suite on a shared disk, and no test can tell (a killed process loses nothing
    # without one). test_golden and test_output_files run with it.
    monkeypatch.setenv("SYNTHGEN_FSYNC", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def run_cli(*args: str) -> Any:
    """Invoke the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def run_until_done(*args: object, rounds: int = 10) -> list[int]:
    """Run a ``--batch`` command again while it exits PENDING (75), at most ``rounds`` times (as
    a cron job would); returns every exit code."""
    from synthgen.exit_codes import PENDING

    codes: list[int] = []
    for _ in range(rounds):
        codes.append(run_cli(*args).exit_code)
        if codes[-1] != PENDING:
            break
    return codes


def run_in_process(*args: object) -> subprocess.CompletedProcess[str]:
    """:func:`run_cli`, its result shaped as ``subprocess.run``'s: for tests written against a
    process that do not need one (a process start costs more CPU than most test runs)."""
    result = run_cli(*(str(a) for a in args))
    return subprocess.CompletedProcess([str(a) for a in args], result.exit_code, result.stdout, result.stderr)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@functools.cache
def http() -> httpx.Client:
    """One HTTP client for the tests' calls to mock servers: a new one per call (``httpx.get``)
    costs ~20 ms of CPU, most of it building an SSL context."""
    return httpx.Client(timeout=10)


def settings_from_flags(flags: Sequence[str]) -> dict[str, Any]:
    """``mock-teacher`` flags as ``/debug/settings`` fields: ``("--drop-rate", "0.1", "--ignore-logprobs")``
    -> ``{"drop_rate": "0.1", "ignore_logprobs": True}`` (the server validates the values)."""
    settings: dict[str, Any] = {}
    items = list(flags)
    while items:
        name, eq, value = items.pop(0).removeprefix("--").partition("=")
        field: Any = value if eq else (items.pop(0) if items and not items[0].startswith("--") else True)
        if name == "model":  # repeatable
            settings.setdefault("models", []).append(field)
        elif name.startswith("no-") and field is True:  # --no-batch: the switch's off side
            settings[name[3:].replace("-", "_")] = False
        else:
            settings[name.replace("-", "_")] = field
    return settings


class MockServer:
    """``synthgen mock-teacher`` in a subprocess on a free port (a real HTTP server)."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        import subprocess
        import sys

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", *args],
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
        )
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"mock-teacher did not start: {line}{self.proc.stderr.read()}")
        self.url = line.split("listening on", 1)[1].strip()  # http://127.0.0.1:PORT/v1
        self.root = self.url.rsplit("/v1", 1)[0]
        self.log: list[str] = []  # its later stderr lines, read on: a full pipe would stall it
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line.rstrip("\n"))

    def stats(self) -> dict[str, Any]:
        return http().get(f"{self.root}/stats").json()

    def reset(self) -> None:
        http().post(f"{self.root}/stats/reset").raise_for_status()

    def configure(self, *flags: str, **settings: Any) -> MockServer:
        """Serve with these options from now on (flags as on the command line, or fields), the
        others as at start; the fault draws restart from the seed (``POST /debug/settings``)."""
        body = {**settings_from_flags(flags), **settings}
        response = http().post(f"{self.root}/debug/settings", json=body)
        assert response.status_code == 200, response.text
        return self

    def wait_until_held(self, proc: Any, held: int = 1) -> None:
        """Until the server holds ``held`` requests of a client run with ``hold_after`` (the
        client has had all the answers it will get); fails if ``proc`` ends first."""
        until(lambda: self.stats()["faults"].get("held", 0) >= held, proc, f"{held} held request(s)")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def until(condition: Callable[[], bool], proc: Any = None, what: str = "the condition") -> None:
    """Poll ``condition`` (an event: a file's lines, a server counter) until it holds.

    Fails at once if ``proc`` ends first; the minute's deadline only stops a broken test
    from hanging, it measures nothing.
    """
    import time

    deadline = time.monotonic() + 60
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the process ended (exit {proc.returncode}) before {what}")
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.05)


@pytest.fixture(scope="session")
def _server_pool() -> Iterator[list[MockServer]]:
    """Mock servers shared by the whole session, started on first use (~0.7 s each)."""
    pool: list[MockServer] = []
    yield pool
    for server in pool:
        server.close()


@pytest.fixture
def mock_server(_server_pool: list[MockServer]) -> Iterator[Callable[..., MockServer]]:
    """Factory: ``mock_server("--error-rate-500", "0.2")`` or ``mock_server(error_rate_500=0.2)``.

    Each call in a test hands out the next of the session's shared servers, set to these options
    at run time (the others as at start), its counters and request log cleared; at teardown
    they go back to their start options. A test that needs a server process of its own (signals,
    start-up) starts a :class:`MockServer`.
    """
    used: list[MockServer] = []

    def take(*flags: str, **settings: Any) -> MockServer:
        if len(used) == len(_server_pool):
            _server_pool.append(MockServer())
        elif _server_pool[len(used)].proc.poll() is not None:  # a test stopped it
            _server_pool[len(used)] = MockServer()
        server = _server_pool[len(used)]
        used.append(server)
        server.configure(*flags, **settings)
        server.reset()
        return server

    yield take
    for server in used:
        server.configure()


def synthgen_cmd(*args: object) -> list[str]:
    import sys

    return [sys.executable, "-m", "synthgen", *(str(a) for a in args)]


@pytest.fixture
def kill_and_resume(mock_server: Callable[..., MockServer], tmp_path: Path) -> Callable[..., Any]:
    """Factory: ``kill_and_resume("judge", source, "-j", "4")`` -> a :class:`kill_resume.Drill`
    of that command on a shared mock server (set to ``**settings``), its files in ``tmp_path``."""
    from kill_resume import Drill

    def make(*args: object, **settings: Any) -> Drill:
        return Drill(mock_server(**settings), args, tmp_path, **settings)

    return make
