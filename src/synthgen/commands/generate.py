"""``synthgen generate``: the self-instruct recipe, from its settings to an engine job."""

from __future__ import annotations

from synthgen.commands.inline_judging import inline_judging
from synthgen.commands.jobs import refuse_overwriting_inputs, run_with_card, teacher_job
from synthgen.commands.teachers import resolve_teacher
from synthgen.config import FilterOptions, Settings
from synthgen.engine.session import SessionResult
from synthgen.io.beside import REJECTED
from synthgen.io.files import text_digest
from synthgen.io.seeds import load_seeds, seeds_digest
from synthgen.io.side_files import read_side_rows
from synthgen.io.writer import ExistingOutput
from synthgen.recipes.prompts import load_template
from synthgen.recipes.self_instruct import SelfInstruct, SelfInstructOptions
from synthgen.records import AlpacaRecord
from synthgen.resources import default_prompt_path, default_seeds_path


def run_generate(settings: Settings) -> SessionResult:
    """Run ``synthgen generate``. Raises SynthgenError for bad input, before any request."""
    teacher = resolve_teacher(settings)  # a missing teacher or key fails before any file is read
    settings.check_batch()
    seeds_path = settings.seeds or default_seeds_path()
    refuse_overwriting_inputs(settings, {"--seeds": seeds_path, "--prompt": settings.prompt})
    seeds = load_seeds(seeds_path, max_tokens=settings.max_tokens)
    template = load_template(settings.prompt or default_prompt_path(settings.mode))
    resolved = {"prompt": text_digest(template.text), "seeds": seeds_digest(seeds_path)}
    options = SelfInstructOptions(
        seed=settings.seed,
        examples_per_prompt=settings.examples_per_prompt,
        mix_generated=settings.mix_generated,
        tasks_per_request=settings.tasks_per_request,
        similarity_threshold=settings.similarity_threshold,
        filters=FilterOptions.model_validate(settings.model_dump(include=set(FilterOptions.model_fields))),
        mode=settings.mode,
    )

    judging = inline_judging(settings, teacher)

    def make_recipe(existing: ExistingOutput) -> SelfInstruct:
        # Called once the resume point is found and the side files pruned to it.
        turned_away = []
        if judging is not None and not settings.overwrite:
            rows = read_side_rows(settings.output, REJECTED)
            turned_away = [(r.get("instruction", ""), r.get("input", "")) for r in rows]
        return SelfInstruct(
            options, seeds=seeds, template=template, existing=existing.records, turned_away=turned_away
        )

    job = teacher_job(
        settings,
        teacher,
        resolved=resolved,
        make_recipe=make_recipe,
        row_model=AlpacaRecord,
        rerun_last_request=True,  # its later items are judged again (see io.resume)
        num=settings.num,
        add=settings.add,
        # Over HTTP the screen's CPU work runs in a worker process (the second core) while
        # requests fly; the in-process mock has no network wait to overlap with.
        screen_in_worker=teacher.kind != "mock",
        screen_workers=settings.screen_workers,
        judging=judging,
        shard_merge="self-instruct",  # merge takes the ROUGE-L decisions (commands/merge.py)
    )
    return run_with_card(job, settings, judging)
