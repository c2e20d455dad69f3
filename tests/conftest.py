"""Shared fixtures: no real key, caches in a temp dir, helpers to run the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from synthgen.cli import app


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test may see a real API key or write into the user's cache directory."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SYNTHGEN_DEBUG", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def run_cli(*args: str) -> Any:
    """Invoke the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class MockServer:
    """``synthgen mock-teacher`` in a subprocess on a free port (a real HTTP server)."""

    def __init__(self, *args: str) -> None:
        import subprocess
        import sys

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "synthgen", "mock-teacher", "--port", "0", *args],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"mock-teacher did not start: {line}{self.proc.stderr.read()}")
        self.url = line.split("listening on", 1)[1].strip()  # http://127.0.0.1:PORT/v1
        self.root = self.url.rsplit("/v1", 1)[0]

    def stats(self) -> dict[str, Any]:
        import httpx

        return httpx.get(f"{self.root}/stats", timeout=5).json()

    def reset(self) -> None:
        import httpx

        httpx.post(f"{self.root}/stats/reset", timeout=5)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


@pytest.fixture(scope="session")
def _shared_plain_server() -> Any:
    """One fault-free mock server for the whole session (starting one costs ~0.5-1 s)."""
    server = MockServer()
    yield server
    server.close()


@pytest.fixture
def mock_server(_shared_plain_server: MockServer) -> Any:
    """Factory: ``mock_server("--error-rate-500", "0.2")`` starts one; all stop at teardown.

    The first ``mock_server()`` without options in a test is the session's shared plain
    server, its counters and request log cleared (its answers depend on the request only).
    """
    servers: list[MockServer] = []
    shared_used = False

    def start(*args: str) -> MockServer:
        nonlocal shared_used
        if not args and not shared_used:
            shared_used = True
            _shared_plain_server.reset()
            return _shared_plain_server
        server = MockServer(*args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def synthgen_cmd(*args: object) -> list[str]:
    import sys

    return [sys.executable, "-m", "synthgen", *(str(a) for a in args)]
