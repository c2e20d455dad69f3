"""``synthgen check``: key, base URL and model verified in one control-plane call (mock server)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import MockServer, run_cli

KEY = "sk-check-secret-42"


@pytest.fixture
def keyed(mock_server: Callable[..., MockServer]) -> MockServer:
    """A server that wants KEY, serves three named models, and fails every completion."""
    return mock_server(
        "--require-api-key", KEY, "--model", "gpt-4o-mini", "--model", "gpt-4o", "--model", "o3-mini",
        "--error-rate-500", "1",
    )  # fmt: skip


def _check(url: str, *extra: str) -> Any:
    return run_cli("check", "--base-url", url, *extra)


def _one_error(result: Any) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("synthgen: error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0].removeprefix("synthgen: error: ")


def test_ready_teacher_is_one_line_and_exit_0(keyed: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    result = _check(keyed.url, "--model", "gpt-4o")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"ok: {keyed.url} answers, accepts the key and serves model 'gpt-4o' (3 models listed,"
    )
    assert len(result.stdout.splitlines()) == 1 and KEY not in result.output


def test_wrong_key_names_the_variable(keyed: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", "wrong")
    result = _check(keyed.url, "--model", "gpt-4o", "--api-key-env", "MY_KEY")
    assert result.exit_code == 1
    assert _one_error(result) == f"authentication failed at {keyed.url}: check the key in $MY_KEY"


def test_unknown_model_lists_what_is_served_closest_first(
    keyed: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    result = _check(keyed.url, "--model", "gpt-4o-mni")
    assert result.exit_code == 1
    message = _one_error(result)
    assert message.startswith(f"model 'gpt-4o-mni' not found at {keyed.url}: pass one it serves with --model")
    assert message.endswith("e.g. gpt-4o-mini, gpt-4o, o3-mini")


def test_wrong_path_says_where_the_api_usually_is(keyed: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    result = _check(keyed.root, "--model", "gpt-4o")
    assert result.exit_code == 1
    assert "has no /models endpoint (HTTP 404)" in _one_error(result)
    assert "usually end in /v1" in result.stderr


def test_server_not_running() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    result = _check(url, "--model", "m")
    assert result.exit_code == 1
    assert _one_error(result) == f"cannot connect to {url}: connection refused — is the server running?"


def test_bad_url_is_a_usage_error_before_any_call() -> None:
    result = _check("localhost:8000/v1", "--model", "m")
    assert result.exit_code == 2
    assert "'localhost:8000/v1' is not an http(s) URL: did you mean http://localhost:8000/v1?" in _one_error(
        result
    )


@pytest.mark.parametrize(
    ("model", "other_keys"),
    [("o3-mini", "num = 5000\n"), ("gpt-4o", 'samples = 4\nverify = "math"\n')],  # generate's, respond's
)
def test_reads_the_teacher_from_a_generate_or_respond_config_file(
    keyed: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, other_keys: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    config = tmp_path / "run.toml"
    config.write_text(f'model = "{model}"\nbase-url = ["{keyed.url}"]\n{other_keys}')
    result = run_cli("check", "-c", config)
    assert result.exit_code == 0, result.output
    assert f"serves model '{model}'" in result.stdout


def test_mock_teacher_needs_no_check() -> None:
    result = run_cli("check", "--teacher", "mock")
    assert result.exit_code == 0 and "needs no connection" in result.stdout
