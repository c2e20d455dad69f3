"""The mock's Batch API, apart from HTTP: files and batches kept in a folder on disk.

What OpenAI's Batch API does, in the shapes it answers with (its API reference, "Batch" and
"File" objects): an uploaded JSONL input file (purpose ``batch``), one line per request
(``custom_id``, ``method``, ``url``, ``body``); a batch made from it goes ``validating`` ->
``in_progress`` -> ``finalizing`` -> ``completed`` (or ``failed`` at validation, ``expired``
when the window ends, ``cancelling`` -> ``cancelled``), and ends with an output file (one
``{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}`` line per
answered request) and an error file (failed lines: an error status, or ``response: null`` with
``error.code`` ``batch_expired`` for requests the window never reached).

Time is counted in polls, not seconds, so tests never sleep: a batch completes on its
``polls_to_complete``-th retrieval (earlier ones show ``in_progress`` with growing counts).
Lines are answered when the batch finishes, streamed from the input file to the output and
error files (a 100,000-line batch is never held in memory), by the ``answer`` function the
owner passes in: the HTTP server's answers the way ``/v1/chat/completions`` would (faults
included), the in-process mock's the way ``--teacher mock`` would.

Both :mod:`synthgen.mock.server.batch_routes` (HTTP) and :mod:`synthgen.mock.batch_api`
(in-process) sit on :class:`BatchStore`; a mistake raises :class:`BatchAPIError` with the
HTTP status and message OpenAI would send.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from synthgen.mock.batch_input import input_errors

ENDPOINTS = ("/v1/chat/completions",)
EXPIRED = {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}  # fmt: skip
Outcome = Literal["completed", "expired", "failed"]
# One line's answer: (HTTP status, response body) of what the endpoint would have answered.
LineAnswer = Callable[[dict[str, Any], int], tuple[int, dict[str, Any]]]
FINAL = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchAPIError(Exception):
    """A request the Batch API refuses: ``status``, ``message``, ``code`` and ``param`` as OpenAI sends."""

    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param


@dataclass
class BatchBehaviour:
    """How batches go: polls to completion, how they end, the per-batch request limit."""

    polls_to_complete: int = 1
    outcome: Outcome = "completed"
    max_requests: int = 50_000  # OpenAI's per-batch limit


def _new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(12)}"


class BatchStore:
    """Files and batches under ``root`` (created if missing); see the module docstring."""

    def __init__(
        self,
        root: Path,
        answer: LineAnswer,
        behaviour: BatchBehaviour | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self.answer = answer
        self.behaviour = behaviour or BatchBehaviour()
        self.clock = clock
        (root / "files").mkdir(parents=True, exist_ok=True)
        (root / "batches").mkdir(parents=True, exist_ok=True)

    # ---- files ----------------------------------------------------------------------

    def add_file(self, chunks: Iterable[bytes], filename: str, purpose: str) -> dict[str, Any]:
        """Store an upload (written chunk by chunk) and return its File object."""
        if purpose not in ("batch", "batch_output"):
            raise BatchAPIError(
                400, f"Invalid purpose '{purpose}' for this mock: use 'batch'.", param="purpose"
            )
        file_id = _new_id("file-")
        data = self.root / "files" / file_id
        with data.open("wb") as target:
            for chunk in chunks:
                target.write(chunk)
        return self._save_file(file_id, filename, purpose)

    def _save_file(self, file_id: str, filename: str, purpose: str) -> dict[str, Any]:
        data = self.root / "files" / file_id
        meta = {
            "id": file_id, "object": "file", "bytes": data.stat().st_size,
            "created_at": int(self.clock()), "filename": filename, "purpose": purpose, "status": "processed",
        }  # fmt: skip
        _write_json(self.root / "files" / f"{file_id}.json", meta)
        return meta

    def file(self, file_id: str) -> dict[str, Any]:
        path = self.root / "files" / f"{os.path.basename(file_id)}.json"
        if not path.is_file():
            raise BatchAPIError(404, f"No such File object: {file_id}", code="not_found", param="id")
        return json.loads(path.read_text())

    def file_path(self, file_id: str) -> Path:
        """Where a stored file's bytes are (404 when there is no such file)."""
        self.file(file_id)
        return self.root / "files" / os.path.basename(file_id)

    # ---- batches --------------------------------------------------------------------

    def create(self, input_file_id: str, endpoint: str, window: str, metadata: Any) -> dict[str, Any]:
        if endpoint not in ENDPOINTS:
            raise BatchAPIError(400, f"Invalid endpoint '{endpoint}' for this mock: use {ENDPOINTS[0]}.", param="endpoint")  # fmt: skip
        if window != "24h":
            raise BatchAPIError(400, f"Invalid completion_window '{window}': use '24h'.", param="completion_window")  # fmt: skip
        if metadata is not None and not (isinstance(metadata, dict) and len(metadata) <= 16):
            raise BatchAPIError(
                400, "metadata must be an object of at most 16 string pairs.", param="metadata"
            )
        if self.file(input_file_id)["purpose"] != "batch":
            raise BatchAPIError(400, f"File {input_file_id} was not uploaded with purpose 'batch'.", param="input_file_id")  # fmt: skip
        now = int(self.clock())
        batch = {
            "id": _new_id("batch_"), "object": "batch", "endpoint": endpoint, "errors": None,
            "input_file_id": input_file_id, "completion_window": window, "status": "validating",
            "output_file_id": None, "error_file_id": None, "created_at": now, "in_progress_at": None,
            "expires_at": now + 24 * 3600, "finalizing_at": None, "completed_at": None, "failed_at": None,
            "expired_at": None, "cancelling_at": None, "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0}, "metadata": metadata,
            "_polls": 0, "_seq": self._next_seq(),
        }  # fmt: skip
        self._save(batch)
        return _public(batch)

    def retrieve(self, batch_id: str) -> dict[str, Any]:
        """The batch as it is now; each retrieval is one poll and moves it on."""
        batch = self._load(batch_id)
        if batch["status"] not in FINAL:
            batch["_polls"] += 1
            self._advance(batch)
            self._save(batch)
        return _public(batch)

    def cancel(self, batch_id: str) -> dict[str, Any]:
        batch = self._load(batch_id)
        if batch["status"] in FINAL:
            raise BatchAPIError(
                400, f"Cannot cancel a batch that is {batch['status']}.", code="invalid_state"
            )
        batch["status"], batch["cancelling_at"] = "cancelling", int(self.clock())
        self._save(batch)
        return _public(batch)

    def list(self, after: str | None, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """Newest first, ``limit`` at a time after the batch ``after``; (page, has_more)."""
        batches = sorted(
            (json.loads(p.read_text()) for p in (self.root / "batches").glob("*.json")),
            key=lambda b: -b["_seq"],
        )
        start = 0
        if after is not None:
            ids = [b["id"] for b in batches]
            start = ids.index(after) + 1 if after in ids else len(ids)
        page = batches[start : start + limit]
        return [_public(b) for b in page], start + limit < len(batches)

    # ---- how a batch moves on -------------------------------------------------------

    def _advance(self, batch: dict[str, Any]) -> None:
        now = int(self.clock())
        if batch["status"] == "cancelling":
            batch["status"], batch["cancelled_at"] = "cancelled", now
            return
        if batch["status"] == "validating":
            if not self._validate(batch):
                return
            batch["status"], batch["in_progress_at"] = "in_progress", now
        total = batch["request_counts"]["total"]
        polls = self.behaviour.polls_to_complete
        if batch["_polls"] < polls:
            batch["request_counts"]["completed"] = total * batch["_polls"] // polls
            return
        self._finish(batch, now)

    def _validate(self, batch: dict[str, Any]) -> bool:
        """Count the input's lines and check each one's shape; a bad input fails the batch."""
        path = self.file_path(batch["input_file_id"])
        behaviour = self.behaviour
        total, errors = input_errors(
            path, batch["endpoint"], behaviour.max_requests, behaviour.outcome == "failed"
        )
        batch["request_counts"]["total"] = total
        if errors:
            batch["status"], batch["failed_at"] = "failed", int(self.clock())
            batch["errors"] = {"object": "list", "data": errors}
        return not errors

    def _finish(self, batch: dict[str, Any], now: int) -> None:
        """Answer every line into the output and error files (the first half only, if expiring)."""
        total = batch["request_counts"]["total"]
        answered = total // 2 if self.behaviour.outcome == "expired" else total
        out_id, err_id = _new_id("file-"), _new_id("file-")
        done = failed = 0
        folder = self.root / "files"
        with (
            self.file_path(batch["input_file_id"]).open("rb") as lines,
            (folder / out_id).open("wb") as out,
            (folder / err_id).open("wb") as err,
        ):
            for number, raw in enumerate(lines):
                request = json.loads(raw)
                line: dict[str, Any] = {"id": _new_id("batch_req_"), "custom_id": request["custom_id"]}
                if number >= answered:
                    line.update(response=None, error=EXPIRED)
                    status = 0
                else:
                    status, body = self.answer(request["body"], number)
                    response = {"status_code": status, "request_id": _new_id("req_"), "body": body}
                    line.update(response=response, error=None)
                ok = status == 200
                done, failed = done + ok, failed + (not ok)
                (out if ok else err).write(json.dumps(line, separators=(",", ":")).encode() + b"\n")
        batch["output_file_id"] = self._save_file(out_id, f"{batch['id']}_output.jsonl", "batch_output")["id"] if done else None  # fmt: skip
        batch["error_file_id"] = self._save_file(err_id, f"{batch['id']}_error.jsonl", "batch_output")["id"] if failed else None  # fmt: skip
        for unused, file_id in ((not done, out_id), (not failed, err_id)):
            if unused:
                (folder / file_id).unlink()
        batch["request_counts"] = {"total": total, "completed": done, "failed": failed}
        batch["finalizing_at"] = now
        if answered < total:
            batch["status"], batch["expired_at"] = "expired", now
        else:
            batch["status"], batch["completed_at"] = "completed", now

    # ---- storage --------------------------------------------------------------------

    def _next_seq(self) -> int:
        counter = self.root / "sequence"
        seq = int(counter.read_text()) + 1 if counter.is_file() else 1
        counter.write_text(str(seq))
        return seq

    def _load(self, batch_id: str) -> dict[str, Any]:
        path = self.root / "batches" / f"{os.path.basename(batch_id)}.json"
        if not path.is_file():
            raise BatchAPIError(404, f"No batch found with id '{batch_id}'.", code="not_found")
        return json.loads(path.read_text())

    def _save(self, batch: dict[str, Any]) -> None:
        _write_json(self.root / "batches" / f"{batch['id']}.json", batch)


def _public(batch: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in batch.items() if not k.startswith("_")}


def _write_json(path: Path, data: Any) -> None:
    """Replace ``path`` atomically (a poll and a crash never see half a record)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, path)
