"""The generate pipeline: seeds -> prompt -> teacher -> parse -> filter -> dedup -> write.

This module only wires the stages. Requests run concurrently; their answers are
processed strictly in request order (a small reorder buffer), so a run's decisions do
not depend on which answer happened to arrive first: the same ``--seed`` gives the same
file, and a resumed run continues exactly where an uninterrupted one would have gone.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import math
import random
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any

from synthgen.config import FilterOptions, Settings
from synthgen.dedup import normalize_key as exact_key
from synthgen.engine.progress import ProgressReporter, setup_logging
from synthgen.engine.report import Counts, build_report, summary_text
from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.io.lock import OutputLock
from synthgen.io.resume import check_output_path, find_start
from synthgen.io.seeds import load_seeds, seeds_digest
from synthgen.io.writer import DatasetWriter, ExistingOutput, lock_path
from synthgen.recipes.parse import parse_numbered_tasks
from synthgen.recipes.prompts import build_messages, load_template, sample_examples
from synthgen.records import AlpacaRecord, Candidate, Completion
from synthgen.resources import default_prompt_path, default_seeds_path
from synthgen.screening import LocalScreener, Screened, WorkerScreener
from synthgen.teacher.build import build_dispatcher
from synthgen.teacher.dispatch import BudgetExhausted, UsageMeter

log = logging.getLogger("synthgen")

EXIT_OK, EXIT_FAILURE, EXIT_PARTIAL = 0, 1, 3
SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
GRACE_SECONDS = 10.0  # in-flight requests get this long after a first Ctrl-C / SIGTERM


def run_generate(settings: Settings) -> int:
    """Run ``synthgen generate``; returns the exit code. Raises SynthgenError for bad input."""
    setup_logging(settings.log_format)
    settings.teacher_kind()  # fail fast on a missing teacher, before touching any file
    check_output_path(settings.output)
    lock = OutputLock(lock_path(settings.output))
    lock.acquire()
    try:
        return asyncio.run(Generation(settings).run())
    finally:
        lock.release()


@dataclass
class _Request:
    index: int
    messages: list[Any]
    seed_ids: list[str]


class Generation:
    """One run of the pipeline over one output file."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.seeds = load_seeds(settings.seeds or default_seeds_path())
        self.template = load_template(settings.prompt or default_prompt_path())
        self.content_config = settings.content_fields(
            prompt_text=self.template.text, seeds_digest=seeds_digest(settings.seeds or default_seeds_path())
        )
        self.config_hash = Settings.hash_fields(self.content_config)
        self.counts = Counts()
        self.meter = UsageMeter(prices={m: (p.input, p.output) for m, p in settings.prices.items()})
        self.generated: list[AlpacaRecord] = []  # only filled when --mix-generated asks for it
        self.stop_reason: str | None = None
        self.exit_code: int | None = None
        self.error: str | None = None
        self.started = time.time()

    # ---- setup -------------------------------------------------------------------

    def _start_screener(self, existing: ExistingOutput) -> LocalScreener | WorkerScreener:
        """The parse/filter/dedup stages, their pools filled with seeds and kept examples."""
        kwargs = {
            "threshold": self.s.similarity_threshold,
            "filters": FilterOptions.model_validate(
                self.s.model_dump(include=set(FilterOptions.model_fields))
            ),
            "pool": [seed.instruction for seed in self.seeds] + [r.instruction for r in existing.records],
            "keys": [exact_key(r.instruction, r.input) for r in existing.records],
            "wanted": self.target - len(existing.records),
            "on_result": self._on_screened,
            "on_error": self._on_screening_error,
        }
        if self.s.mix_generated:
            self.generated.extend(existing.records)
        # Over HTTP this CPU work runs in a worker process (the second core) while requests fly.
        return LocalScreener(**kwargs) if self.s.teacher_kind() == "mock" else WorkerScreener(**kwargs)

    # ---- the run ---------------------------------------------------------------------

    async def run(self) -> int:
        start = find_start(
            self.s.output,
            overwrite=self.s.overwrite,
            force=self.s.force,
            config_hash=self.config_hash,
            content_config=self.content_config,
        )
        existing, self.next_index = start.existing, start.first_request
        self.first_index = self.next_index
        self.existing = existing
        self.target = len(existing.records) + self.s.add if self.s.add else self.s.num
        if len(existing.records) >= self.target:
            log.info("%s already has %d examples (target %d); nothing to do",
                     self.s.output, len(existing.records), self.target)  # fmt: skip
            return EXIT_OK
        # answers handed to the screener, oldest first, until their result comes back
        self.screening: collections.deque[tuple[Completion, _Request]] = collections.deque()
        self.fatal: BaseException | None = None
        # The screening worker starts first: it builds its pools on the other core while
        # this process imports the teacher's SDK (~1 s for openai) in build_dispatcher.
        self.screener = self._start_screener(existing)
        try:
            self.dispatcher = build_dispatcher(self.s, self.meter)
            await self.screener.start()
        except BaseException:
            await self.screener.aclose()
            raise
        self.writer = DatasetWriter(
            self.s.output, overwrite=self.s.overwrite, first_index=len(existing.records)
        )
        self.progress = ProgressReporter(total=self.target, quiet=self.s.quiet, log_format=self.s.log_format)
        self._write_report("running", None)
        self._install_signal_handlers()
        try:
            await self._loop()
        finally:
            await self._shutdown()
        return self._finish()

    async def _loop(self) -> None:
        self.pending: dict[asyncio.Future[Completion], _Request] = {}
        self.ready: dict[int, Completion | BaseException] = {}
        self.requests_by_index: dict[int, _Request] = {}
        self.process_index = self.next_index
        self.failures_in_row = 0
        self.barren_in_row = 0
        # Finished requests call _collect and set the event: O(1) per answer, unlike
        # asyncio.wait over every pending task.
        self.wake = asyncio.Event()
        while True:
            if self.fatal is not None:
                raise self.fatal
            if self.stop_reason is None:
                self._launch_more()
            if not self.pending and not (self.screening and self.signals_seen < 2):
                break  # nothing in flight, and the answers already paid for are screened
            await self.wake.wait()
            self.wake.clear()
            self._submit_ready()
            self._update_progress()
            if self.stop_reason in ("target", "teacher_error", "exhausted", "failure_limit"):
                self._cancel_pending()

    def _launch_more(self) -> None:
        processed = self.process_index - self.first_index - len(self.screening)  # judged answers
        remaining = self.target - self.writer.count
        if processed >= 3 and self.counts.kept:
            per_request = self.counts.kept / processed
        else:
            per_request = max(1.0, self.s.tasks_per_request * 0.6)  # typical share kept
        unjudged = len(self.ready) + len(self.screening)  # answers in hand, verdict to come
        wanted = math.ceil(remaining / max(per_request, 0.2) * 1.25) + 1 - unjudged
        cap = min(2 * self.s.concurrency, wanted)
        # Don't run far ahead of a slow request at the head of the line, nor of the screener.
        while len(self.pending) < cap and unjudged < 4 * self.s.concurrency:
            self._launch(self._build_request(self.next_index))
            self.next_index += 1

    def _build_request(self, index: int) -> _Request:
        rng = random.Random(f"{self.s.seed}:{index}")  # per-request stream: order-independent
        examples = sample_examples(
            self.seeds,
            self.generated,
            k=self.s.examples_per_prompt,
            mix_generated=self.s.mix_generated,
            rng=rng,
        )
        messages = build_messages(self.template, examples, self.s.tasks_per_request)
        return _Request(index, messages, [e.source_id for e in examples])

    def _launch(self, request: _Request) -> None:
        coro = self.dispatcher.complete(request.messages, sample_index=request.index, validate=_must_parse)
        task = asyncio.ensure_future(coro)
        self.pending[task] = request
        task.add_done_callback(self._collect)

    def _collect(self, task: asyncio.Future[Completion]) -> None:
        request = self.pending.pop(task)
        self.wake.set()
        if task.cancelled():
            return
        self.ready[request.index] = task.exception() or task.result()
        self.requests_by_index[request.index] = request

    # ---- processing, in request order --------------------------------------------

    def _submit_ready(self) -> None:
        """Hand the answers that are next in request order to the screener (never waits)."""
        while self.process_index in self.ready and self.stop_reason not in ("target", "teacher_error"):
            outcome = self.ready.pop(self.process_index)
            request = self.requests_by_index.pop(self.process_index)
            self.process_index += 1
            if isinstance(outcome, BaseException):
                self._on_failure(outcome)
                continue
            self.failures_in_row = 0
            self.screening.append((outcome, request))
            self.screener.submit(outcome.text, truncated=outcome.finish_reason == "length")

    def _update_progress(self) -> None:
        self.progress.update(
            self.writer.count,
            requests=self.meter.requests_sent,
            cached=self.counts.cached_responses,
            tokens=self.meter.total_tokens,
        )

    def _note_progress(self, kept_any: bool) -> None:
        """Stop when many answers in a row brought nothing new (a teacher repeating itself)."""
        self.barren_in_row = 0 if kept_any else self.barren_in_row + 1
        limit = max(50, 2 * self.s.concurrency)
        if self.barren_in_row >= limit and self.stop_reason is None:
            self.stop_reason = "exhausted"
            self.error = (
                f"the last {limit} answers brought no new example (all filtered or duplicates); "
                "try other seeds, a higher --temperature or a higher --similarity-threshold"
            )

    def _on_failure(self, exc: BaseException) -> None:
        if isinstance(exc, BudgetExhausted):
            self.stop_reason = self.stop_reason or exc.which
        elif isinstance(exc, TransientTeacherError):
            self.counts.failed_requests += 1
            self.failures_in_row += 1
            log.warning("request failed after retries: %s", exc)
            if self.failures_in_row >= self.s.max_consecutive_failures and self.stop_reason is None:
                self.stop_reason = "failure_limit"
                self.error = f"{self.failures_in_row} requests in a row failed; last error: {exc}"
        elif isinstance(exc, TeacherError):
            self.stop_reason, self.error = "teacher_error", str(exc)
        else:
            raise exc  # a bug: let it surface

    def _on_screened(self, result: Screened) -> None:
        """The screener's verdict on the oldest answer handed over: write what it kept."""
        completion, request = self.screening.popleft()
        self.wake.set()
        if result.after_target:
            return  # enough examples were kept before this answer was judged
        self.counts.requests += 1
        self.counts.cached_responses += completion.cached
        self.counts.candidates += result.candidates
        self.counts.truncated_dropped += result.truncated_dropped
        self.counts.unparseable_responses += result.unparseable
        self.counts.rejected.update(result.rejected)
        self.counts.duplicates_exact += result.duplicates_exact
        self.counts.duplicates_similar += result.duplicates_similar
        self._keep(result.kept, completion, request)
        self._note_progress(bool(result.kept))
        if self.writer.count >= self.target and self.stop_reason is None:
            self.stop_reason = "target"

    def _on_screening_error(self, exc: BaseException) -> None:
        self.fatal = exc
        self.wake.set()

    def _keep(self, candidates: list[Candidate], completion: Completion, request: _Request) -> None:
        records = [
            AlpacaRecord(instruction=c.instruction, input=c.input, output=c.output) for c in candidates
        ]
        meta = {
            "request": request.index,
            "request_id": completion.request_id,
            "model": completion.model,
            "endpoint": completion.endpoint,
            "seed_ids": request.seed_ids,
        }
        self.writer.append_many(records, meta)
        self.counts.kept += len(records)
        if self.s.mix_generated:
            self.generated.extend(records)

    # ---- stopping --------------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        self.signals_seen = 0
        for sig in SIGNAL_EXIT:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        self.signals_seen += 1
        self.exit_code = SIGNAL_EXIT[sig]
        self.stop_reason = "interrupted"
        if self.signals_seen == 1:
            log.warning(
                "stopping: finishing requests in flight (up to %.0f s); again to stop now", GRACE_SECONDS
            )
            asyncio.get_running_loop().call_later(GRACE_SECONDS, self._cancel_pending)
        else:
            self._cancel_pending()
        self.wake.set()

    def _cancel_pending(self) -> None:
        for task in self.pending:
            task.cancel()

    async def _shutdown(self) -> None:
        self._cancel_pending()
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)
        loop = asyncio.get_running_loop()
        for sig in SIGNAL_EXIT:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        await self.dispatcher.pool.aclose()
        await self.screener.aclose()
        if self.dispatcher.cache is not None:
            self.dispatcher.cache.close()

    def _finish(self) -> int:
        reached = self.writer.count >= self.target
        if self.exit_code is None:
            if reached:
                self.exit_code = EXIT_OK
            elif self.stop_reason == "teacher_error":
                self.exit_code = EXIT_FAILURE
            else:
                self.exit_code = EXIT_PARTIAL
        report = self._write_report(self.stop_reason or "target", self.exit_code)
        self.writer.close(complete=reached)
        self.progress.close(self.writer.count)
        if self.error:
            print(f"synthgen: error: {self.error}", file=sys.stderr)
        if self.s.quiet:
            pass
        elif self.s.log_format == "json":  # one parseable line for log collectors
            summary = {"event": "summary", "examples": report["examples"], **report["last_run"]}
            print(json.dumps(summary), file=sys.stderr)
        else:
            print(summary_text(report, output=str(self.s.output)), file=sys.stderr)
        if self.s.json_report:
            print(json.dumps(report, indent=2))
        return self.exit_code

    def _write_report(self, stop_reason: str, exit_code: int | None) -> dict[str, Any]:
        report = build_report(
            settings=self.s,
            counts=self.counts,
            meter=self.meter,
            config_hash=self.config_hash,
            content_config=self.content_config,
            started=self.started,
            stop_reason=stop_reason,
            exit_code=exit_code,
            total_examples=self.writer.count,
            previous=self.existing.report,
        )
        self.writer.write_report(report)
        return report


def _must_parse(completion: Completion) -> None:
    """Retry an answer cut off (finish_reason "length") before any task could be parsed."""
    if (
        completion.finish_reason == "length"
        and not parse_numbered_tasks(completion.text, truncated=True).candidates
    ):
        raise TransientTeacherError("completion cut off before any task (raise --max-tokens?)")
