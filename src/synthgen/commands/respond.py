"""``synthgen respond``: the respond recipe, from its settings to an engine job."""

from __future__ import annotations

from pathlib import Path

from synthgen.commands.inline_judging import InlineJudging, inline_judging
from synthgen.commands.jobs import refuse_overwriting_inputs, run_with_card, teacher_job
from synthgen.commands.respond_code import check_code_flags, check_sandbox, code_reviewer, read_test_plans
from synthgen.commands.teachers import resolve_teacher
from synthgen.config import RespondSettings
from synthgen.engine.session import Job, SessionResult
from synthgen.errors import InputError, UsageError
from synthgen.io.files import file_digest, text_digest
from synthgen.io.prompt_rows import PromptRow, load_prompt_rows
from synthgen.io.writer import ExistingOutput
from synthgen.recipes.respond import CODE, Respond, RespondOptions
from synthgen.records import AlpacaRecord, MessagesRecord
from synthgen.verify import BadReference, NeedsSymbolic, as_reference, get_checker


def run_respond(settings: RespondSettings) -> SessionResult:
    """Run ``synthgen respond``. Raises SynthgenError for bad input, before any request."""
    job, judging = _job_and_judge(settings)
    return run_with_card(job, settings, judging)


def respond_job(settings: RespondSettings) -> Job:
    """``respond``'s engine job (also a stage of ``pairs``). Raises SynthgenError for bad input."""
    return _job_and_judge(settings)[0]


def _job_and_judge(settings: RespondSettings) -> tuple[Job, InlineJudging | None]:
    """The engine job, and its inline judge (``--judge-model``) apart for ``--batch``."""
    teacher = resolve_teacher(settings)  # a missing teacher or key fails before any file is read
    settings.check_batch()
    _check_flags(settings)
    system_file = Path(settings.system[1:]) if settings.system and settings.system.startswith("@") else None
    refuse_overwriting_inputs(settings, {"INPUT": settings.input, "--system": system_file})
    system = _system_text(settings.system)
    rows = load_prompt_rows(
        settings.input,
        prompt_field=settings.prompt_field,
        reference_field=settings.reference_field,
        output_as_reference=settings.verify not in ("none", CODE),
    )
    _check_alpaca_holds(settings, rows)
    plans = read_test_plans(settings, rows) if settings.verify == CODE else []
    if settings.verify not in ("none", CODE):
        _check_references(settings, rows)
    options = RespondOptions(
        samples=settings.samples,
        system=system,
        reasoning=settings.reasoning,
        format=settings.format,
        verify=settings.verify,
        verify_pattern=settings.verify_pattern,
        keep=settings.keep,
        logprobs=settings.logprobs or 0,
        min_confidence=settings.min_confidence,
    )
    resolved = {"system": text_digest(system or ""), "input": file_digest(settings.input)}
    judging = inline_judging(settings, teacher)
    built: list[Respond] = []

    def make_recipe(existing: ExistingOutput) -> Respond:
        if settings.logprobs and not settings.overwrite:
            _check_soft_targets(settings.output, len(existing.records))
        built.append(Respond(options, rows, existing.meta))
        return built[-1]

    reviewer: dict[str, object] = {}
    if settings.verify == CODE:
        check_sandbox(settings)  # before any file is made
        reviewer["make_reviewer"] = code_reviewer(settings, plans, lambda: built[-1].solved_rows)

    job = teacher_job(
        settings,
        teacher,
        resolved=resolved,
        make_recipe=make_recipe,
        row_model=AlpacaRecord if settings.format == "alpaca" else MessagesRecord,
        rerun_last_request=False,  # at most one row per request: continue after the last
        planned_rows=len(rows) * settings.samples,
        judging=judging,
        shard_group=settings.samples,  # a row's samples in one shard (its keep rule sees them all)
        **reviewer,
    )
    return job, judging


def _check_flags(settings: RespondSettings) -> None:
    _check_logprobs_flags(settings)
    check_code_flags(settings)
    if settings.verify == "regex" and not settings.verify_pattern:
        return  # each row's reference is its pattern
    if settings.verify_pattern and settings.verify != "regex":
        raise UsageError("--verify-pattern needs --verify regex")
    if settings.keep != "all-correct" and settings.verify == "none":
        raise UsageError(f"--keep {settings.keep} needs --verify (math, exact, choice, regex or code)")


def _check_logprobs_flags(settings: RespondSettings) -> None:
    if settings.min_confidence is not None and not settings.logprobs:
        raise UsageError("--min-confidence needs --logprobs K (the mean token logprob comes from them)")
    if not settings.logprobs:
        return
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            '--logprobs writes OUT.logprobs.parquet, which needs pyarrow: pip install "synthgen[parquet]"'
        ) from exc


def _check_soft_targets(output: Path, rows: int) -> None:
    """A resumed output has soft targets for every row it already holds, or the run stops."""
    from synthgen.io.logprobs_file import parquet_path, staged_answers

    staged = staged_answers(output)
    if staged != rows:
        raise InputError(
            f"{parquet_path(output)}: soft targets for {staged} of the {rows} rows of {output} "
            "(made without --logprobs, or cut by a system crash); pass --overwrite to start afresh"
        )


def _system_text(system: str | None) -> str | None:
    """``--system`` text, or ``@FILE`` to read it from a file."""
    if system is None or not system.startswith("@"):
        return system
    path = Path(system[1:])
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--system {system}: cannot read {path}: {getattr(exc, 'strerror', exc)}") from exc


def _check_alpaca_holds(settings: RespondSettings, rows: list[PromptRow]) -> None:
    """An Alpaca row holds one instruction: a chat row with earlier turns (a conversation) or a
    trace field on its prompt would lose them without a word, so it is refused before any
    request, naming the first such row."""
    if settings.format != "alpaca":
        return
    longer = [row.line for row in rows if sum(m["role"] != "system" for m in row.messages) > 1]
    if longer:
        raise InputError(
            f"{settings.input}:{longer[0]}: messages: earlier turns that an Alpaca row cannot hold "
            f"({_rows(longer, rows)}); pass --format messages to keep the conversation"
        )
    traced = [row.line for row in rows if any(trace is not None for trace in row.traces)]
    if traced:
        raise InputError(
            f"{settings.input}:{traced[0]}: messages: a reasoning_content field on the prompt, which an "
            f"Alpaca row cannot hold ({_rows(traced, rows)}); pass --format messages to keep it"
        )


def _check_references(settings: RespondSettings, rows: list[PromptRow]) -> None:
    """Every row has a reference the checker can use, or one line about the first row that has
    not, with how many rows share its problem (before any request)."""
    checker = get_checker(settings.verify, pattern=settings.verify_pattern)
    if not checker.needs_reference:
        return
    field, where = settings.reference_field, settings.input
    missing = [row.line for row in rows if row.reference is None]
    if missing:
        raise InputError(
            f"{where}:{missing[0]}: {field}: reference answer required by --verify {settings.verify} "
            f"({_rows(missing, rows)} have no '{field}'; name the field with --reference-field)"
        )
    needs_extra: list[tuple[int, BadReference]] = []
    bad: list[tuple[int, BadReference]] = []
    for row in rows:
        try:
            checker.validate_reference(as_reference(row.reference), row.messages[-1]["content"])
        except NeedsSymbolic as exc:
            needs_extra.append((row.line, exc))
        except BadReference as exc:
            bad.append((row.line, exc))
    for found, share in (
        (needs_extra, "need it"),
        (bad, f"have a reference --verify {settings.verify} cannot use"),
    ):
        if found:
            line, exc = found[0]
            raise InputError(f"{where}:{line}: {field}: {exc}; {_rows(found, rows)} {share}")


def _rows(found: list[object], rows: list[PromptRow]) -> str:
    return f"{len(found)} of {len(rows)} rows"
