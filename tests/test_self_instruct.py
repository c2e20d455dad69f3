"""The generate recipe's own checks (its screen is tested through test_screening and the CLI)."""

from __future__ import annotations

import pytest

from synthgen.config import FilterOptions
from synthgen.errors import TransientTeacherError
from synthgen.io.seeds import load_seeds
from synthgen.recipes.prompts import load_template
from synthgen.recipes.self_instruct import SelfInstruct, SelfInstructOptions
from synthgen.records import Completion
from synthgen.resources import default_prompt_path, default_seeds_path


def _recipe() -> SelfInstruct:
    options = SelfInstructOptions(
        seed=0, examples_per_prompt=3, mix_generated=0, tasks_per_request=20,
        similarity_threshold=0.7, filters=FilterOptions(),
    )  # fmt: skip
    seeds = load_seeds(default_seeds_path())
    return SelfInstruct(options, seeds=seeds, template=load_template(default_prompt_path()), existing=[])


TASK = "1. Instruction: Write a short poem about the sea at night.\n1. Input: <noinput>\n1. Output: Waves.\n"
CUT = TASK + "2. Instruction: Name three"  # the last item of a cut-off answer is dropped


@pytest.mark.parametrize(
    ("text", "finish_reason", "retried"),
    [
        ("no task here", "length", True),  # cut off before any task: asked again
        (CUT, "length", False),  # cut off after a task: its tasks are screened
        ("2. Instruction: Name three", "length", True),
        ("no task here", "stop", False),  # complete but unreadable: counted by the screen
    ],
)
def test_only_an_answer_cut_off_before_any_task_is_retried(
    text: str, finish_reason: str, retried: bool
) -> None:
    completion = Completion(text=text, finish_reason=finish_reason)
    if retried:
        with pytest.raises(TransientTeacherError, match="cut off before any task"):
            _recipe().validate(completion)
    else:
        _recipe().validate(completion)
