"""Settings: defaults in one place, config file, precedence, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthgen.config import Settings, build_settings
from synthgen.config.markers import digest
from synthgen.errors import ConfigError


def test_flags_override_config_file_which_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'teacher = "mock"\nnum = 10\nsimilarity-threshold = 0.5\n[prices.gpt-x]\ninput = 1\noutput = 2\n'
    )
    settings = build_settings(Settings, {"num": 99, "seed": None}, path)
    assert settings.num == 99  # flag
    assert settings.similarity_threshold == 0.5  # file
    assert settings.concurrency == Settings.model_fields["concurrency"].default  # default
    assert settings.prices["gpt-x"].output == 2


def test_unknown_keys_and_bad_values_are_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('numm = 3\ntemperature = "hot"\n')
    with pytest.raises(ConfigError) as info:
        build_settings(Settings, {}, path)
    lines = str(info.value).splitlines()
    assert any("numm: unknown option" in line for line in lines)
    assert any(line.startswith(f"{path}: temperature:") for line in lines)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("num = = 3")
    with pytest.raises(ConfigError, match="invalid TOML"):
        build_settings(Settings, {}, bad)
    with pytest.raises(ConfigError, match="not found"):
        build_settings(Settings, {}, tmp_path / "missing.toml")


def test_teacher_resolution_never_falls_back_to_the_mock() -> None:
    with pytest.raises(ConfigError, match="--teacher mock"):
        Settings().teacher_kind()
    assert Settings(model="m", base_url=["http://x/v1/"]).teacher_kind() == "openai"
    assert Settings(model="m", base_url=["http://x/v1/"]).base_url == ["http://x/v1"]
    with pytest.raises(ConfigError, match="--model"):
        Settings(base_url=["http://x/v1"]).teacher_kind()


def test_content_hash_ignores_speed_options_but_not_content_options() -> None:
    base = Settings(teacher="mock")
    fields = base.fingerprint(teacher="mock", prompt="p", seeds="s")
    same = Settings(teacher="mock", concurrency=3, num=5).fingerprint(teacher="mock", prompt="p", seeds="s")
    other = Settings(teacher="mock", similarity_threshold=0.6).fingerprint(
        teacher="mock", prompt="p", seeds="s"
    )
    assert digest(fields) == digest(same)
    assert digest(fields) != digest(other)
    assert fields != base.fingerprint(teacher="mock", prompt="q", seeds="s")


def test_the_fingerprint_of_generate_is_the_one_outputs_were_made_with() -> None:
    """Outputs made before options were declared once still resume: same keys, same digest."""
    fields = Settings(teacher="mock").fingerprint(teacher="mock", prompt="148de9c5a7a44d19", seeds="s")
    assert sorted(fields) == sorted(
        ["model", "temperature", "top_p", "max_tokens", "seed", "examples_per_prompt", "mix_generated",
         "tasks_per_request", "similarity_threshold", "min_instruction_words", "max_instruction_words",
         "blocklist", "teacher", "prompt", "seeds"]
    )  # fmt: skip
    assert digest(fields) == "753b1674e7416c5d"
    instructions = Settings(teacher="mock", mode="instructions").fingerprint(
        teacher="mock", prompt="p", seeds="s"
    )
    assert instructions["mode"] == "instructions"  # "tasks", the default, is left out


def test_a_field_resolved_by_the_command_must_be_given() -> None:
    with pytest.raises(TypeError, match="seeds must be given resolved"):
        Settings(teacher="mock").fingerprint(teacher="mock", prompt="p")
