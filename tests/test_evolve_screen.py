"""The evolve recipe's parts: reading an evolved task, the elimination rules, the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthgen.config import EVOLVE_OPERATIONS, FilterOptions
from synthgen.engine.recipe import Answer
from synthgen.recipes.evolve import Evolution, EvolveOptions, EvolveRound, EvolveScreen, Parent
from synthgen.recipes.evolve_prompts import format_task, load_evolve_prompts, parse_evolved

PROMPTS = load_evolve_prompts(None, list(EVOLVE_OPERATIONS))
TIDES = Parent("Explain tides to a child.", "", None, 1, (0,))
LONG = Parent(
    "Explain how tides work to a curious child who lives near the sea in Cornwall.", "", None, 4, (3,)
)
POOL = [
    (TIDES.instruction, ""),
    ("Name three rivers in Europe.", ""),
    ("Summarize the text.", "Cats sleep a lot."),
    (LONG.instruction, ""),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Instruction: Do X.", ("Do X.", "")),
        ("Do X.", ("Do X.", "")),
        ("**Instruction:** Do X.\n**Input:** some data\nmore data", ("Do X.", "some data\nmore data")),
        ("Instruction: Do X.\nInput: None", ("Do X.", "")),
        ("  Instruction:Do X.\ninput: <noinput>  ", ("Do X.", "")),
        ("", ("", "")),
    ],
)
def test_parse_evolved(text: str, expected: tuple[str, str]) -> None:
    assert parse_evolved(text) == expected


def test_format_task_round_trips_through_the_parser() -> None:
    assert parse_evolved(format_task("Sort these.", "3, 1, 2\n5")) == ("Sort these.", "3, 1, 2\n5")


def _options(**overrides: object) -> EvolveOptions:
    values: dict[str, object] = {
        "seed": 0,
        "operations": tuple(EVOLVE_OPERATIONS),
        "similarity_threshold": 0.7,
        "min_new_words": 3,  # the default of --min-new-words
        "filters": FilterOptions(),
    }
    return EvolveOptions(**{**values, **overrides})  # type: ignore[arg-type]


def _screen(**overrides: object) -> EvolveScreen:
    recipe = EvolveRound(_options(**overrides), PROMPTS, round=1, first_request=0, parents=[], pool=POOL)
    return recipe.screen_factory()()


CASES = [
    (
        "Instruction: Explain tides to a child, using one kitchen experiment they can repeat at home.",
        TIDES,
        None,
    ),
    ("Instruction: Explain tides to a child", TIDES, "cut_off"),  # finish_reason length
    ("   ", TIDES, "empty"),
    ("I'm sorry, but I can't help with changing this task.", TIDES, "refusal"),
    (
        "[Evolved task]\nInstruction: Explain tides to a child with a kitchen experiment.",
        TIDES,
        "copied_prompt",
    ),
    (
        "Here is the rewritten prompt: explain tides to a child with a kitchen experiment.",
        TIDES,
        "copied_prompt",
    ),
    # Evol-Instruct's in-breadth label (its prompt ends "#Created Prompt#:") is prompt text too
    (
        "Created prompt: Explain why the sea is salty to a child, with a kitchen experiment.",
        TIDES,
        "copied_prompt",
    ),
    (
        "#Created Prompt#:\nInstruction: Explain why the sea is salty, with an experiment.",
        TIDES,
        "copied_prompt",
    ),
    ("Instruction: Please explain tides to a child.", TIDES, "no_new_information"),
    ("Instruction: Explain tides, child.", TIDES, "no_new_information"),  # fewer words: nothing new
    ("Instruction: Moon, gravity, oceans.", TIDES, "too_short"),
    ("Instruction: Explain tides to a child using a picture of the moon.", TIDES, "blocklisted"),
    ("Instruction: Name three rivers in Europe.", TIDES, "duplicate_exact"),  # another input row
    ("Instruction: " + LONG.instruction + " Mention the moon.", TIDES, "duplicate_similar"),
    # ROUGE-L 0.83 against its own parent, which the rule leaves to no_new_information
    ("Instruction: " + LONG.instruction + " Include one kitchen experiment.", LONG, None),
    ("Instruction: " + LONG.instruction + " Be brief.", LONG, "no_new_information"),
]


@pytest.mark.parametrize(("text", "parent", "reason"), CASES)
def test_elimination_rules(text: str, parent: Parent, reason: str | None) -> None:
    evolution = Evolution(2, "deepen", parent)
    finish = "length" if reason == "cut_off" else "stop"
    verdict = _screen().screen(Answer(7, text, finish, payload=evolution), limit=10)
    assert verdict.candidates == 1
    if reason is None:
        assert verdict.kept == [{"instruction": parse_evolved(text)[0], "input": "", "output": ""}]
        assert not verdict.side
        return
    assert not verdict.kept
    ((name, row),) = verdict.side
    assert name == "rejected" and row["_rejected"] == reason
    assert {k: row[k] for k in ("round", "operation", "parent", "line")} == evolution.lineage()
    counted = verdict.rejected[reason] + (reason == "duplicate_exact") * verdict.counts["duplicates_exact"]
    counted += (reason == "duplicate_similar") * verdict.counts["duplicates_similar"]
    assert counted == 1


WIZARDLM_STYLE = (  # a user's template labelled the way WizardLM's are
    "I want you act as a Prompt Rewriter. Rewrite #The Given Prompt# into a harder version.\n"
    "The #Rewritten Prompt# can only add 10 to 20 words into #The Given Prompt#.\n"
    "#The Given Prompt#:\n{task}\n#Rewritten Prompt#:\n"
)
HEADED = "Make this task harder.\n\n### Source task\n{task}\n\n**Harder Version:**\n"


@pytest.mark.parametrize(
    ("template", "text", "reason"),
    [
        (WIZARDLM_STYLE, "#Rewritten Prompt#: Explain tides to a child with a kitchen experiment.", "copied_prompt"),
        (WIZARDLM_STYLE, "The Given Prompt asks about tides; explain them with a kitchen experiment.", "copied_prompt"),
        (WIZARDLM_STYLE, "Instruction: Explain tides to a child, using one kitchen experiment at home.", None),
        (HEADED, "Harder version: explain tides to a child with a kitchen experiment.", "copied_prompt"),
        (HEADED, "Source task: explain tides to a child with a kitchen experiment they repeat.", "copied_prompt"),
        (HEADED, "Instruction: Explain tides to a child, using one kitchen experiment at home.", None),
    ],
)  # fmt: skip
def test_a_user_templates_own_labels_count_as_copied_prompt_text(
    tmp_path: Path, template: str, text: str, reason: str | None
) -> None:
    (tmp_path / "deepen.txt").write_text(template)
    prompts = load_evolve_prompts(tmp_path, ["deepen"])
    recipe = EvolveRound(
        _options(operations=("deepen",)), prompts, round=1, first_request=0, parents=[], pool=POOL
    )
    verdict = recipe.screen_factory()().screen(Answer(0, text, payload=Evolution(1, "deepen", TIDES)), 10)
    got = verdict.side[0][1]["_rejected"] if verdict.side else None
    assert got == reason


def test_a_kept_task_joins_the_pool_and_min_new_words_is_honoured() -> None:
    screen = _screen(min_new_words=3)
    evolution = Evolution(1, "add-constraint", TIDES)
    two_new = "Instruction: Explain tides to a curious child."  # curious (to and a are stop words)
    assert (
        screen.screen(Answer(0, two_new, payload=evolution), 10).side[0][1]["_rejected"]
        == "no_new_information"
    )
    text = "Instruction: Explain tides to a child, using one kitchen experiment they can repeat."
    assert screen.screen(Answer(1, text, payload=evolution), 10).kept
    assert screen.screen(Answer(2, text, payload=evolution), 10).counts["duplicates_exact"] == 1


def test_the_plan_is_a_pure_function_of_seed_round_and_position() -> None:
    parents = [
        Parent(f"Describe the history of invention number {i}.", "", None, i + 1, (i,)) for i in range(60)
    ]

    def plan(seed: int, round: int) -> list[str]:
        recipe = EvolveRound(
            _options(seed=seed), PROMPTS, round=round, first_request=100, parents=parents, pool=[]
        )
        requests = [recipe.plan(100 + i) for i in range(60)]
        assert recipe.plan(99) is None and recipe.plan(160) is None
        return [r.meta["operation"] for r in requests if r is not None]

    first = plan(0, 1)
    assert first == plan(0, 1) and first != plan(1, 1) and first != plan(0, 2)
    assert set(first) == set(EVOLVE_OPERATIONS)  # every operation gets drawn
    recipe = EvolveRound(_options(), PROMPTS, round=1, first_request=100, parents=parents, pool=[])
    request = recipe.plan(103)
    assert request is not None
    assert request.meta == {"round": 1, "operation": first[3], "parent": None, "line": 4}
    assert "Instruction: Describe the history of invention number 3." in request.messages[0]["content"]
