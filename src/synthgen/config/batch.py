"""Options of ``--batch``: send a run's requests through the Batch API and collect them later."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import Field

from synthgen.config.markers import Flag
from synthgen.config.shared import SettingsModel
from synthgen.errors import UsageError


class BatchOptions(SettingsModel):
    """``--batch`` and its limits (commands that support it mix this in)."""

    help_section: ClassVar[str] = "Batch API"

    batch: bool = Field(
        False,
        description="Send the requests through the Batch API (half price) and exit 75; rerun to collect.",
    )
    batch_wait: bool = Field(False, description="With --batch: stay and poll until every batch is collected.")
    batch_poll_seconds: float = Field(60.0, ge=0, description="With --batch-wait: seconds between polls.")
    max_batches_in_flight: int = Field(
        10, ge=1, description="With --batch: batches submitted and not yet collected, at most."
    )
    batch_max_requests: int = Field(
        50_000, ge=1, description="Requests per batch (the provider's limit; OpenAI: 50,000)."
    )

    def check_batch(self) -> None:
        """``--batch`` needs the response cache (collected answers live there); exit 2 otherwise.
        Checked by the command (it needs the teacher's options as well)."""
        if not self.batch:
            if self.batch_wait:
                raise UsageError("--batch-wait needs --batch")
            return
        if not getattr(self, "cache", True):
            raise UsageError("--batch keeps the collected answers in the response cache: drop --no-cache")

    batch_max_bytes: int = Field(
        200_000_000, ge=1024, description="Bytes per batch input file (the provider's limit; OpenAI: 200 MB)."
    )


class BatchesSettings(SettingsModel):
    """Options of ``synthgen batches``."""

    output: Annotated[Path, Flag(argument=True, metavar="OUT")] = Field(
        description="The output of a --batch run; its OUT.batch.json is read."
    )
    poll: bool = Field(
        False, description="Ask the provider for each pending batch's status now (else: as last seen)."
    )
    json_output: Annotated[bool, Flag(name="--json")] = Field(False, description="Print the batches as JSON.")
