"""One declaration per option: the flags, their help and the resume fingerprint all come from
the settings models' fields (``config/markers.py``, ``cli/options.py``)."""

from __future__ import annotations

import re

import pytest
import typer
from pydantic import BaseModel

from conftest import run_cli
from synthgen.cli import app
from synthgen.config import (
    CardSettings,
    CheckSettings,
    ConvertSettings,
    DedupSettings,
    EvolveSettings,
    FilterSettings,
    JudgeSettings,
    MockServerSettings,
    PairsSettings,
    RespondSettings,
    Settings,
    StatsSettings,
)
from synthgen.config.markers import CONFIG_ONLY, Fingerprint, Flag, digest, marker

MODELS: dict[str, type[BaseModel]] = {
    "generate": Settings,
    "respond": RespondSettings,
    "evolve": EvolveSettings,
    "judge": JudgeSettings,
    "pairs": PairsSettings,
    "check": CheckSettings,
    "mock-teacher": MockServerSettings,
    "dedup": DedupSettings,
    "filter": FilterSettings,
    "stats": StatsSettings,
    "convert": ConvertSettings,
    "card": CardSettings,
}


def _params(command: str) -> dict[str, object]:
    click_app = typer.main.get_command(app)
    return {p.name: p for p in click_app.commands[command].params}  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", sorted(MODELS))
def test_every_parameter_is_a_field_and_every_field_a_parameter(command: str) -> None:
    model = MODELS[command]
    offered = getattr(model, "command_line", None) or list(model.model_fields)
    wanted = {n for n in offered if CONFIG_ONLY not in model.model_fields[n].metadata}
    params = {n for n in _params(command) if n != "config" and not n.startswith("_old_")}
    assert params == wanted


def test_each_command_parameter_reads_as_its_field_says() -> None:
    params = _params("generate")
    assert params["concurrency"].opts == ["--concurrency", "-j"]  # type: ignore[attr-defined]
    assert params["json_report"].opts == ["--json"]  # type: ignore[attr-defined]
    assert params["cache"].secondary_opts == ["--no-cache"]  # type: ignore[attr-defined]
    assert _params("convert")["from_shape"].opts == ["--from"]  # type: ignore[attr-defined]
    assert _params("mock-teacher")["models"].opts == ["--model"]  # type: ignore[attr-defined]
    assert _params("respond")["input"].param_type_name == "argument"  # type: ignore[attr-defined]


def test_help_is_sectioned_lists_choices_and_repeatable_flags() -> None:
    text = run_cli("generate", "--help").output
    titles = [line for line in text.splitlines() if re.match(r"^\S.*:$", line)]
    assert titles == [
        "Options:",
        "Teacher:",
        "Filters:",
        "Judging inline:",
        "Output:",
        "Requests, cache and budgets:",
        "Batch API:",
        "Sharding:",
    ]
    assert "--base-url URL (repeatable)" in text and "--blocklist WORD (repeatable)" in text
    assert re.search(r"--to <alpaca\|messages\|[a-z|-]+\|hf>", run_cli("convert", "--help").output)


def test_epilog_examples_are_printed_as_written() -> None:
    text = run_cli("generate", "--help").output
    assert (
        "    synthgen generate --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-7B-Instruct \\\n"
        "        --mode instructions -o data/instructions.jsonl" in text
    )
    respond = run_cli("respond", "--help").output
    assert "--model deepseek-r1 \\\n        --base-url http://localhost:8000/v1 --samples 4" in respond


def test_min_score_means_the_same_in_judge_and_inline() -> None:
    def entry(command: str) -> str:
        text = " ".join(run_cli(command, "--help").output.split())
        return text[text.index("--min-score") :].split(" --", 1)[0]

    assert entry("judge") == entry("generate") == entry("respond")
    assert JudgeSettings.model_fields["min_score"].default == Settings.model_fields["min_score"].default == 1


def test_a_settings_field_names_its_flag_in_errors() -> None:
    result = run_cli("stats", "nowhere.jsonl", "--similarity-threshold", "2")
    assert result.exit_code == 2
    assert (
        result.stderr == "synthgen: error: --similarity-threshold: Input should be less than or equal to 1\n"
    )


@pytest.mark.parametrize("model", sorted(MODELS.values(), key=lambda m: m.__name__))
def test_markers_name_real_fields(model: type[BaseModel]) -> None:
    # a default decided at run time is shown with Flag(shown=...), which help reads
    assert not [n for n, f in model.model_fields.items() if f.json_schema_extra], "use Flag(shown=...)"
    for name in model.model_fields:
        mark = marker(model, name, Fingerprint)
        if mark is not None and mark.when is not None and mark.when in model.model_fields:
            assert model.model_fields[mark.when].default is None, f"{name}: when={mark.when}"
        flag = marker(model, name, Flag)
        if flag is not None and flag.short is not None:
            assert re.fullmatch(r"-[a-zA-Z]", flag.short)


# The fingerprints' keys before options were declared once (their digests must not change,
# or every existing output would need --force to resume).
OLD_KEYS = {
    RespondSettings: "model temperature top_p max_tokens seed samples prompt_field reasoning format verify "
    "verify_pattern reference_field keep logprobs min_confidence teacher system input",
    EvolveSettings: "model temperature top_p max_tokens seed operations prompt_field similarity_threshold "
    "min_new_words retry_failed min_instruction_words max_instruction_words blocklist teacher prompts input",
    JudgeSettings: "model temperature top_p max_tokens seed min_score structured teacher format prompt input",
    PairsSettings: "model temperature top_p max_tokens seed min_margin structured format teacher prompt answers",
}
RESOLVED = {
    RespondSettings: {"system": "s", "input": "i"},
    EvolveSettings: {"prompts": "p", "input": "i"},
    JudgeSettings: {"format": "alpaca", "prompt": "p", "input": "i"},
    PairsSettings: {"prompt": "p", "answers": "a"},
}


@pytest.mark.parametrize("model", list(OLD_KEYS), ids=lambda m: m.__name__)
def test_fingerprints_keep_the_keys_existing_outputs_were_made_with(model: type[BaseModel]) -> None:
    settings = model.model_validate({"teacher": "mock", "input": "x.jsonl"})
    fields = settings.fingerprint(teacher="mock", **RESOLVED[model])  # type: ignore[attr-defined]
    assert sorted(fields) == sorted(OLD_KEYS[model].split())


def test_an_inline_judge_adds_its_options_to_the_fingerprint_only_when_there_is_one() -> None:
    plain = Settings(teacher="mock").fingerprint(teacher="mock", prompt="p", seeds="s")
    judged = Settings(teacher="mock", judge_model="j").fingerprint(
        teacher="mock", prompt="p", seeds="s", judge_prompt="jp"
    )
    extra = set(judged) - set(plain)
    assert extra == {
        "judge_model",
        "min_score",
        "judge_temperature",
        "judge_max_tokens",
        "judge_structured",
        "judge_prompt",
    }
    assert digest(plain) != digest(judged)
