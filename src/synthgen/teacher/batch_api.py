"""The Batch API as synthgen uses it: upload, create, retrieve, find, cancel, download.

:class:`BatchAPI` is the interface; :class:`OpenAIBatchAPI` speaks it to an OpenAI-compatible
endpoint with the openai SDK (the control plane stays on the SDK; chat completions alone use
the raw aiohttp path). The SDK's own retries are off (``max_retries=0``): every call goes
through our one retry policy (:mod:`synthgen.teacher.retry`), with SDK errors translated into
ours at this boundary. Files are streamed both ways: an upload reads the input file from disk
as it is sent, a download is written to disk as it arrives.

The in-process mock speaks the same interface (:mod:`synthgen.mock.batch_api`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import openai

from synthgen.errors import TeacherError, TransientTeacherError
from synthgen.teacher.retry import RetryPolicy
from synthgen.teacher.wire import RETRYABLE_STATUSES, connect_failure, error_detail, retry_after_seconds

ENDPOINT = "/v1/chat/completions"
FINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})
LISTED_PER_PAGE = 100


@dataclass(frozen=True)
class BatchInfo:
    """What synthgen reads of a Batch object."""

    id: str
    status: str
    input_file_id: str = ""
    output_file_id: str | None = None
    error_file_id: str | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    created_at: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # why a failed batch failed, one line each

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


def batch_info(batch: Any) -> BatchInfo:
    """A Batch object (the SDK's model or a plain dict) as :class:`BatchInfo`."""
    data = batch if isinstance(batch, dict) else batch.model_dump()
    counts = data.get("request_counts") or {}
    errors = []
    for error in (data.get("errors") or {}).get("data") or []:
        line = f"line {error['line']}: " if error.get("line") else ""
        errors.append(f"{line}{error.get('message') or error.get('code')}")
    return BatchInfo(
        id=data["id"],
        status=data["status"],
        input_file_id=data.get("input_file_id") or "",
        output_file_id=data.get("output_file_id"),
        error_file_id=data.get("error_file_id"),
        total=counts.get("total") or 0,
        completed=counts.get("completed") or 0,
        failed=counts.get("failed") or 0,
        created_at=data.get("created_at") or 0,
        metadata=dict(data.get("metadata") or {}),
        errors=errors,
    )


class BatchAPI(Protocol):
    where: str  # the endpoint, for messages

    async def upload(self, path: Path) -> str:
        """Upload a JSONL input file (purpose ``batch``); its file id."""
        ...

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> BatchInfo: ...

    async def retrieve(self, batch_id: str) -> BatchInfo: ...

    async def find(self, key: str, value: str, since: int) -> BatchInfo | None:
        """The newest batch whose ``metadata[key]`` is ``value``, among those created since ``since``."""
        ...

    async def cancel(self, batch_id: str) -> BatchInfo: ...

    async def download(self, file_id: str, target: Path) -> None: ...

    async def aclose(self) -> None: ...


class OpenAIBatchAPI:
    """:class:`BatchAPI` over the openai SDK (``AsyncOpenAI``, SDK retries off)."""

    def __init__(
        self, *, base_url: str, api_key: str, api_key_env: str, timeout: float, policy: RetryPolicy
    ) -> None:
        self.where = base_url
        self.key_env = api_key_env
        self.policy = policy
        self.client = openai.AsyncOpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout)

    async def _call(self, what: str, call: Any) -> Any:
        async def attempt() -> Any:
            try:
                return await call()
            except openai.APIStatusError as exc:
                raise self._status_error(what, exc) from exc
            except openai.APITimeoutError as exc:
                raise TransientTeacherError(f"{what} at {self.where} timed out") from exc
            except openai.APIConnectionError as exc:
                cannot = connect_failure(self.where, exc)
                if cannot is not None:
                    raise TeacherError(str(cannot)) from exc
                raise TransientTeacherError(f"{what} at {self.where} failed: {exc}") from exc

        return await self.policy.call(attempt)

    def _status_error(self, what: str, exc: openai.APIStatusError) -> TeacherError:
        status = exc.status_code
        if status in RETRYABLE_STATUSES or status >= 500:
            wait = retry_after_seconds(exc.response.headers)
            return TransientTeacherError(
                f"{what}: HTTP {status} from {self.where}", retry_after=wait, status=status
            )
        detail = error_detail(exc.body, f"HTTP {status}")
        if status == 401:
            return TeacherError(f"authentication failed at {self.where}: check the key in ${self.key_env}")
        if status in (404, 405) and what in ("upload", "create"):
            return TeacherError(
                f"{self.where} does not serve the Batch API ({what} answered HTTP {status}): "
                "run without --batch"
            )
        return TeacherError(f"{what} refused by {self.where} (HTTP {status}): {detail}")

    async def upload(self, path: Path) -> str:
        async def send() -> Any:
            with path.open("rb") as handle:  # streamed from disk by the HTTP client
                return await self.client.files.create(
                    file=(path.name, handle, "application/jsonl"), purpose="batch"
                )

        return (await self._call("upload", send)).id

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> BatchInfo:
        batch = await self._call(
            "create",
            lambda: self.client.batches.create(
                input_file_id=input_file_id, endpoint=ENDPOINT, completion_window="24h", metadata=metadata
            ),
        )
        return batch_info(batch)

    async def retrieve(self, batch_id: str) -> BatchInfo:
        return batch_info(await self._call("retrieve", lambda: self.client.batches.retrieve(batch_id)))

    async def cancel(self, batch_id: str) -> BatchInfo:
        return batch_info(await self._call("cancel", lambda: self.client.batches.cancel(batch_id)))

    async def find(self, key: str, value: str, since: int) -> BatchInfo | None:
        after: str | None = None
        while True:
            kwargs: dict[str, Any] = {"limit": LISTED_PER_PAGE, **({"after": after} if after else {})}
            page = await self._call("list", lambda kwargs=kwargs: self.client.batches.list(**kwargs))
            for batch in page.data:  # newest first
                if (batch.metadata or {}).get(key) == value:
                    return batch_info(batch)
                if batch.created_at < since:
                    return None
            if not page.has_more or not page.data:
                return None
            after = page.data[-1].id

    async def download(self, file_id: str, target: Path) -> None:
        async def fetch() -> None:
            async with self.client.files.with_streaming_response.content(file_id) as response:
                with target.open("wb") as handle:
                    async for chunk in response.iter_bytes():
                        handle.write(chunk)

        await self._call("download", fetch)

    async def aclose(self) -> None:
        await self.client.close()
