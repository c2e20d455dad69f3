"""The bytes `synthgen generate` writes must not change by accident.

The golden files were written by the pipeline before the engine/recipe refactor
(issue 11); any change to them must be a deliberate, documented one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli

GOLDEN = Path(__file__).parent / "data" / "golden"


def test_mock_run_writes_the_golden_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNTHGEN_FSYNC")  # as users run it: every write made durable
    out = tmp_path / "out.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--num", "500", "--seed", "3", "-o", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (GOLDEN / "mock_500_seed3.jsonl").read_bytes()
    meta = out.with_name(out.name + ".meta.jsonl")
    assert meta.read_bytes() == (GOLDEN / "mock_500_seed3.jsonl.meta.jsonl").read_bytes()
