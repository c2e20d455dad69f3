"""The one runner of every command that writes a dataset: its stages under one lock and one Budgets.

A command runs one or more stages, each an engine session (:func:`run_session`): ``generate``,
``respond`` and ``judge`` one (an inline judge is a second teacher of that stage), ``pairs`` its
answering stages then its judged stage, ``evolve`` one per round. Whatever the number:

* one lock on the command's output, held from before the first stage reads what an earlier run
  left until the last one has written (a stage's own files are named after that output);
* one :class:`Budgets`: every stage's teacher, and an inline judge, reserves against it, so
  ``--max-requests``, ``--max-total-tokens`` and ``--max-cost`` hold for the command as a
  whole, attempts left unsettled by a timeout, a drop or a cancellation included at their
  worst case, in whichever stage they happened;
* each stage's typed report (:class:`~synthgen.reports.RunReport`) in its result;
* ``carried``: usage the budgets count that no stage of this process metered (a ``--batch``
  series: what earlier runs of each stage used, or hold in batches not yet collected).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from synthgen.engine.session import Job, SessionResult, run_session
from synthgen.io.beside import lock_path
from synthgen.io.lock import OutputLock
from synthgen.io.resume import check_output_path
from synthgen.teacher.dispatch import BudgetExhausted, Budgets, UsageMeter


class Stages:
    """Use as ``with Stages(output, budgets) as stages: stages.run(job) ...``."""

    def __init__(self, output: Path, budgets: Budgets) -> None:
        self.output = output
        self.budgets = budgets
        self.results: list[SessionResult] = []  # the stages run so far, in order
        # By the file that records it (a --batch stage's OUT.batch.json): counted by every
        # stage's budgets that its runner makes (see commands/batch.py).
        self.carried: dict[Path, UsageMeter] = {}
        self._lock = OutputLock(lock_path(output))

    def __enter__(self) -> Stages:
        check_output_path(self.output)
        self._lock.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._lock.release()

    def run(self, job: Job, budgets: Budgets | None = None) -> SessionResult:
        """Run one stage to its end, its teachers reserving against the command's budgets.

        ``budgets``: a stage that must count more than this command's usage brings its own (a
        ``--batch`` pass also counts what earlier runs of its series used or still hold).
        """
        result = run_session(job, self.budgets if budgets is None else budgets)
        self.results.append(result)
        return result

    def used_up(self) -> BudgetExhausted | None:
        """A budget the stages so far used all of (the next stage could send nothing), or None."""
        return self.budgets.used_up()

    @property
    def ran(self) -> int:
        """How many stages this command has run."""
        return len(self.results)
