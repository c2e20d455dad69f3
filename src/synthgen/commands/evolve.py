"""``synthgen evolve``: rounds of Evol-Instruct, one engine session per round, into one output.

Round ``r`` evolves its parents (round 1: the input rows; then the rows round ``r - 1`` kept,
and with ``--retry-failed`` also the parents whose evolution failed, as WizardLM does). Its
requests are numbered after the previous round's, so the output's meta lines and the
rejected file say which requests are done: a killed run, rerun, skips the rounds that ended,
finishes the one it was in from the request after the last one screened, then goes on. The
files are the same as an uninterrupted run's. The rounds are stages of one runner
(engine/stages.py): one lock, and budgets that cover the whole command.

With ``--batch`` a round is a batch pass (commands/batch.py) and every round's batches are
recorded in the one ``OUT.batch.json`` (request numbers never repeat across rounds): a run
collects the round in progress and, once it is whole, submits the next round's requests and
exits 75; the rerun after the last round's batches writes the files of a live run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthgen.commands.card import write_run_card
from synthgen.commands.evolve_progress import EvolveProgress, read_progress
from synthgen.commands.jobs import command_stages, refuse_overwriting_inputs, run_stage, teacher_job
from synthgen.commands.teachers import TeacherSpec, new_meter, resolve_teacher
from synthgen.config import EvolveSettings, FilterOptions
from synthgen.config.markers import digest
from synthgen.engine.session import Job, SessionResult
from synthgen.engine.stages import Stages
from synthgen.errors import InputError
from synthgen.exit_codes import OK, PARTIAL, PENDING
from synthgen.io.files import file_digest, text_digest
from synthgen.io.prompt_rows import PromptRow, load_prompt_rows
from synthgen.io.resume import check_same_config
from synthgen.io.writer import ExistingOutput
from synthgen.recipes.evolve import EvolveOptions, EvolveRound, Parent
from synthgen.recipes.evolve_prompts import EvolvePrompt, load_evolve_prompts
from synthgen.records import AlpacaRecord
from synthgen.teacher.budget import BUDGET_STOPS
from synthgen.teacher.dispatch import UsageMeter


@dataclass
class RoundOutcome:
    round: int
    parents: int
    session: SessionResult | None  # None: an earlier run finished this round
    kept: int


@dataclass
class EvolveResult:
    wanted: int  # --rounds
    rounds: list[RoundOutcome] = field(default_factory=list)
    exit_code: int = OK
    stop: str = "plan_done"  # a stop reason of the report (a budget: maybe before a round)
    before_round: int | None = None  # a budget used up before this round started
    error: str | None = None
    examples: int = 0  # rows in the output at the end


@dataclass(frozen=True)
class _Setup:
    """What every round shares."""

    settings: EvolveSettings
    teacher: TeacherSpec  # every round asks it, on the command's one set of budgets
    options: EvolveOptions
    prompts: dict[str, EvolvePrompt]
    input_pool: list[tuple[str, str]]
    input_positions: dict[int, int]  # input line -> place among the input rows
    resolved: dict[str, Any]  # the fingerprint's values resolved here (digests)
    content: dict[str, Any]  # the fingerprint
    config_hash: str


def run_evolve(settings: EvolveSettings) -> EvolveResult:
    """Run ``synthgen evolve``. Raises SynthgenError for bad input, before any request."""
    teacher = resolve_teacher(settings)  # a missing teacher or key fails before any file is read
    settings.check_batch()
    prompt_files = (
        list(settings.prompt_dir.iterdir()) if settings.prompt_dir and settings.prompt_dir.is_dir() else []
    )
    refuse_overwriting_inputs(settings, {"INPUT": settings.input, "--prompt-dir": prompt_files})
    rows = _load_rows(settings)
    prompts = load_evolve_prompts(settings.prompt_dir, list(settings.operations))
    resolved = {"prompts": _prompts_digest(prompts), "input": file_digest(settings.input)}
    content = settings.fingerprint(teacher=teacher.kind, **resolved)
    setup = _Setup(
        settings,
        teacher,
        EvolveOptions(
            seed=settings.seed,
            operations=tuple(settings.operations),
            similarity_threshold=settings.similarity_threshold,
            min_new_words=settings.min_new_words,
            filters=FilterOptions.model_validate(
                settings.model_dump(include=set(FilterOptions.model_fields))
            ),
        ),
        prompts,
        [(row.instruction, row.input) for row in rows],
        {row.line: i for i, row in enumerate(rows)},
        resolved,
        content,
        digest(content),
    )
    # One lock across every round (and the reading of what an earlier run left).
    with command_stages(settings, settings.output) as stages:
        progress = EvolveProgress() if settings.overwrite else read_progress(settings.output)
        if progress.rows and progress.report and not settings.force:
            check_same_config(settings.output, progress.report, setup.config_hash, content)
        parents = [Parent(row.instruction, row.input, None, row.line, (i,)) for i, row in enumerate(rows)]
        result = _run_rounds(setup, stages, progress, parents)
    ran = any(r.session is not None and r.session.report is not None for r in result.rounds)
    if ran and result.exit_code != PENDING:  # stopped early too: the card says so
        write_run_card(settings.output, settings.card)
    return result


def _run_rounds(
    setup: _Setup, stages: Stages, progress: EvolveProgress, parents: list[Parent]
) -> EvolveResult:
    result = EvolveResult(setup.settings.rounds)
    first, overwrite = 0, setup.settings.overwrite
    for round in range(1, setup.settings.rounds + 1):
        end = first + len(parents)
        session = None
        if progress.last_screened < end - 1:  # not finished by an earlier run
            if (spent := stages.used_up()) is not None:
                result.exit_code, result.stop, result.before_round = PARTIAL, spent.which, round
                result.error = f"{spent.describe()} in {stages.ran} round run(s)"
                break
            start = max(first, progress.last_screened + 1)
            job = _job(setup, new_meter(setup.settings), round, first, start, parents, overwrite)
            session = run_stage(stages, job, setup.settings)
            overwrite = False
            progress = read_progress(setup.settings.output)
        kept = progress.kept_in_round(round)
        result.rounds.append(RoundOutcome(round, len(parents), session, len(kept)))
        if session is not None and session.exit_code != OK:
            result.exit_code, result.stop = session.exit_code, session.result.stop_reason.value
            result.error = session.result.error
            if result.stop in BUDGET_STOPS:  # the budgets are the command's: say in how many rounds
                result.error = f"{result.error} in {stages.ran} round run(s)"
            break
        following = {r: progress.as_parent(row, setup.input_positions) for r, row in kept.items()}
        parents = _next_parents(following, first, parents, retry_failed=setup.settings.retry_failed)
        first = end
        if not parents:
            break
    result.examples = len(progress.rows)
    return result


def _next_parents(
    kept: dict[int, Parent], first: int, parents: list[Parent], *, retry_failed: bool
) -> list[Parent]:
    """The next round's parents, in request order: the rows kept (by request; and the parents
    whose evolution failed)."""
    following = []
    for position, parent in enumerate(parents):
        child = kept.get(first + position)
        if child is not None:
            following.append(child)
        elif retry_failed:
            following.append(parent)
    return following


def _job(
    setup: _Setup,
    meter: UsageMeter,
    round: int,
    first: int,
    start: int,
    parents: list[Parent],
    overwrite: bool,
) -> Job:
    def make_recipe(existing: ExistingOutput) -> EvolveRound:
        pool = setup.input_pool + [(r.instruction, r.input) for r in existing.records]
        return EvolveRound(
            setup.options, setup.prompts, round=round, first_request=first, parents=parents, pool=pool
        )

    return teacher_job(
        setup.settings,
        setup.teacher,
        resolved=setup.resolved,
        make_recipe=make_recipe,
        row_model=AlpacaRecord,
        rerun_last_request=False,  # at most one row per request: continue after the last
        planned_rows=first + len(parents) - start,
        overwrite=overwrite,
        config=setup.settings.public_dict(),
        config_hash=setup.config_hash,
        meter=meter,
        min_first_request=start,
        run_info={"round": round, "requests": [first, first + len(parents)]},
    )


def _load_rows(settings: EvolveSettings) -> list[PromptRow]:
    rows = load_prompt_rows(
        settings.input, prompt_field=settings.prompt_field, reference_field=None, output_as_reference=False
    )
    multi_turn = [
        f"{settings.input}:{row.line}: messages: evolve rewrites single tasks, this row has "
        f"{len(row.messages)} turns"
        for row in rows
        if len(row.messages) > 1
    ]
    if multi_turn:
        raise InputError(multi_turn)
    return rows


def _prompts_digest(prompts: dict[str, EvolvePrompt]) -> str:
    return text_digest("\0".join(f"{op}\0{prompt.text}" for op, prompt in prompts.items()))
