"""The records that flow between stages.

seed file -> SeedTask -> (prompt: Messages) -> Completion -> Candidate -> AlpacaRecord
"""

from __future__ import annotations

from typing import TypedDict

from pydantic import BaseModel, ConfigDict, Field

# Re-exported: it lives apart from pydantic, for the screening worker (see synthgen.candidate).
from synthgen.candidate import Candidate as Candidate


class Message(TypedDict):
    """One chat message of a request to a teacher."""

    role: str
    content: str


class Instance(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    input: str = ""
    output: str


class SeedTask(BaseModel):
    """A seed in self-instruct's format; plain Alpaca records are converted to this."""

    model_config = ConfigDict(extra="ignore", strict=True)

    id: str
    name: str = ""
    instruction: str = Field(min_length=1)
    instances: list[Instance] = Field(min_length=1)
    is_classification: bool = False


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class TokenLogprobs(BaseModel):
    """The teacher's soft targets for one answer: OpenAI's chat ``logprobs.content`` as four
    parallel lists, one entry per generated token.

    Tokens are bytes: the server's ``bytes`` where it sends them (exact even for a token that
    is part of a UTF-8 character), else its token string in UTF-8; joined, they give the
    answer's text. ``top_*`` hold each position's alternatives, most likely first, as the
    server listed them. The cache stores the bytes as base64.
    """

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    tokens: list[bytes]
    logprobs: list[float]
    top_tokens: list[list[bytes]]
    top_logprobs: list[list[float]]

    def mean_logprob(self) -> float:
        """The mean of the sampled tokens' logprobs (0.0 for an answer of no tokens)."""
        return sum(self.logprobs) / len(self.logprobs) if self.logprobs else 0.0


class Completion(BaseModel):
    """One teacher answer, whatever the teacher (mock, HTTP, cache)."""

    text: str
    reasoning: str | None = None  # the trace a reasoning model sent beside the text, if any
    finish_reason: str = "stop"
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    request_id: str = ""
    endpoint: str = ""
    cached: bool = False
    logprobs: TokenLogprobs | None = None  # when asked for and the server sent them


class AlpacaRecord(BaseModel):
    """One line of the output dataset: exactly these three string fields."""

    model_config = ConfigDict(extra="forbid", strict=True)

    instruction: str
    input: str = ""
    output: str


class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    role: str
    content: str


class MessagesRecord(BaseModel):
    """One line of a dataset in the chat format TRL's SFT trainer reads."""

    model_config = ConfigDict(extra="allow", strict=True)

    messages: list[ChatTurn] = Field(min_length=1)


class PreferenceRecord(BaseModel):
    """One line of a preference dataset as TRL's DPO trainer reads it: standard (three
    strings) or conversational (the prompt's messages, and one assistant message each)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    prompt: str | list[ChatTurn]
    chosen: str | list[ChatTurn]
    rejected: str | list[ChatTurn]
