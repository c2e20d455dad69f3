"""The Batch API of ``--teacher mock``, in-process: ``--batch`` without any server.

The same :class:`~synthgen.mock.batch_store.BatchStore` as the HTTP mock server, in a folder
that outlives the process (the run that submits and the run that collects are two processes),
answering each line as the in-process mock teacher answers the same request: a batch line
carries ``seed`` = ``--seed`` + the request's sample number, which gives the sample number back,
so a collected run writes what a live ``--teacher mock`` run writes. A batch completes on its
first retrieval (the rerun that collects it); ``polls_to_complete`` says otherwise (tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthgen.mock.batch_store import BatchAPIError, BatchBehaviour, BatchStore
from synthgen.mock.logprobs import token_logprobs
from synthgen.mock.teacher import MockTeacher
from synthgen.teacher.batch_api import BatchInfo, batch_info

# Body fields every chat request has; the rest were the recipe's extra_body.
_SAMPLING = frozenset({"model", "messages", "temperature", "top_p", "max_tokens", "seed"})


class MockLines:
    """Answers a batch line as ``MockTeacher(seed, max_tokens)`` answers the request, with the
    line's own ``max_tokens`` when it has one (a run's judge asks for shorter answers)."""

    def __init__(self, seed: int, max_tokens: int | None) -> None:
        self.seed = seed
        self.max_tokens = max_tokens
        self.teachers: dict[int | None, MockTeacher] = {}

    def _teacher(self, max_tokens: Any) -> MockTeacher:
        limit = max_tokens if isinstance(max_tokens, int) else self.max_tokens
        if limit not in self.teachers:
            self.teachers[limit] = MockTeacher(seed=self.seed, max_tokens=limit)
        return self.teachers[limit]

    def __call__(self, body: dict[str, Any], line: int) -> tuple[int, dict[str, Any]]:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            error = {"message": "'messages' must be a non-empty array.", "type": "invalid_request_error"}
            return 400, {"error": {**error, "param": "messages", "code": None}}
        sample = int(body.get("seed", self.seed)) - self.seed
        extra = {k: v for k, v in body.items() if k not in _SAMPLING}
        teacher = self._teacher(body.get("max_tokens"))
        completion = teacher.answer(messages, sample_index=sample, extra_body=extra or None)
        message: dict[str, Any] = {"role": "assistant", "content": completion.text}
        if completion.reasoning is not None:
            message["reasoning_content"] = completion.reasoning
        logprobs = None
        if extra.get("logprobs") is True:
            logprobs = {"content": token_logprobs(completion.text, int(extra.get("top_logprobs") or 0))}
        usage = completion.usage
        return 200, {
            "id": completion.request_id, "object": "chat.completion", "model": completion.model,
            "choices": [{"index": 0, "message": message, "logprobs": logprobs, "finish_reason": completion.finish_reason}],
            "usage": {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                      "total_tokens": usage.prompt_tokens + usage.completion_tokens},
        }  # fmt: skip


class MockBatchAPI:
    """:class:`~synthgen.teacher.batch_api.BatchAPI` on a :class:`BatchStore` under ``root``."""

    where = "the mock teacher"

    def __init__(self, root: Path, *, seed: int, max_tokens: int | None, polls_to_complete: int = 1) -> None:
        self.store = BatchStore(root, MockLines(seed, max_tokens), BatchBehaviour(polls_to_complete))

    async def upload(self, path: Path) -> str:
        with path.open("rb") as handle:
            return self._do(lambda: self.store.add_file(iter(lambda: handle.read(1 << 20), b""), path.name, "batch"))["id"]  # fmt: skip

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> BatchInfo:
        return batch_info(self._do(lambda: self.store.create(input_file_id, "/v1/chat/completions", "24h", metadata)))  # fmt: skip

    async def retrieve(self, batch_id: str) -> BatchInfo:
        return batch_info(self._do(lambda: self.store.retrieve(batch_id)))

    async def find(self, key: str, value: str, since: int) -> BatchInfo | None:
        batches, _ = self.store.list(None, 1_000_000)
        return next((batch_info(b) for b in batches if (b["metadata"] or {}).get(key) == value), None)

    async def cancel(self, batch_id: str) -> BatchInfo:
        return batch_info(self._do(lambda: self.store.cancel(batch_id)))

    async def download(self, file_id: str, target: Path) -> None:
        source = self._do(lambda: self.store.file_path(file_id))
        with source.open("rb") as reader, target.open("wb") as writer:
            while chunk := reader.read(1 << 20):
                writer.write(chunk)

    async def aclose(self) -> None:
        return None

    @staticmethod
    def _do(call: Any) -> Any:
        from synthgen.errors import TeacherError

        try:
            return call()
        except BatchAPIError as exc:
            raise TeacherError(f"the mock teacher's Batch API refused: {exc.message}") from exc
