"""Build the teacher stack (endpoints, retries, limits, cache) from the settings.

The mock teacher is not built here: the command layer hands it in (:mod:`synthgen.commands.teachers`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from synthgen.config import TeacherOptions
from synthgen.errors import ConfigError
from synthgen.resources import default_cache_path
from synthgen.teacher.base import Message
from synthgen.teacher.cache import ResponseCache, cache_key
from synthgen.teacher.dispatch import Budgets, Dispatcher, UsageMeter
from synthgen.teacher.endpoints import Endpoint, EndpointPool
from synthgen.teacher.limits import AdaptiveConcurrency, TokenBucket
from synthgen.teacher.retry import RetryPolicy


def read_api_key(settings: TeacherOptions) -> str:
    """The key from ``$api_key_env``; local servers (a --base-url) may run without one."""
    key = os.environ.get(settings.api_key_env, "").strip()
    if key:
        return key
    if settings.base_url:
        return "no-key"  # vLLM, Ollama, llama.cpp... accept any key unless configured
    raise ConfigError(
        f"${settings.api_key_env} is not set: export your API key, or pass --base-url "
        "for a local OpenAI-compatible server (or --teacher mock for a dry run)"
    )


def openai_endpoints(settings: TeacherOptions) -> EndpointPool:
    """One OpenAI-compatible teacher per ``--base-url`` (OpenAI's own when none)."""
    from synthgen.teacher.openai_teacher import OpenAITeacher, Sampling

    key = read_api_key(settings)
    # seed + request index goes out with each request (vLLM, SGLang and OpenAI honour it), so
    # that the same --seed asks the same questions with the same sampling seeds.
    sampling = Sampling(settings.temperature, settings.top_p, settings.max_tokens, seed=settings.seed)
    urls: list[str | None] = list(settings.base_url) or [None]
    endpoints = [
        Endpoint(
            url or "https://api.openai.com/v1",
            OpenAITeacher(
                base_url=url,
                model=settings.model or "",
                api_key=key,
                api_key_env=settings.api_key_env,
                sampling=sampling,
                timeout=settings.request_timeout,
                concurrency=settings.concurrency,
            ),
        )
        for url in urls
    ]
    return EndpointPool(endpoints, connect_grace=settings.connect_grace)


def request_key(
    settings: TeacherOptions, endpoints: list[str]
) -> Callable[[list[Message], int, dict[str, Any] | None], str]:
    """The response-cache key of a request to these endpoints (a ``--batch`` run's too)."""
    sampling = {
        "temperature": settings.temperature,
        "top_p": settings.top_p,
        "max_tokens": settings.max_tokens,
        "seed": settings.seed,  # sent with each request, so it shapes the answer
    }

    def key(messages: list[Message], sample_index: int, extra_body: dict[str, Any] | None) -> str:
        return cache_key(
            model=settings.model or "mock",
            endpoints=endpoints,
            messages=list(messages),
            sampling=sampling,
            sample_index=sample_index,
            extra_body=extra_body,
        )

    return key


def build_dispatcher(
    settings: TeacherOptions,
    meter: UsageMeter,
    pool: EndpointPool,
    budgets: Budgets,
    *,
    cache: bool,
) -> Dispatcher:
    """The teacher stack over ``pool`` (built by the caller: the mock, or :func:`openai_endpoints`).

    ``budgets``: the command's limits, shared by all its teachers (see engine/stages.py).
    ``cache``: keep answers in the response cache (when ``settings.cache`` allows it).
    """
    # Prices are given for the model as named in the requests (synthgen.config checks one exists
    # when --max-cost is set); servers may answer with another name for it.
    meter.requested_model = settings.priced_model()
    answers = None
    if cache and settings.cache:
        answers = ResponseCache(settings.cache_path or default_cache_path())
    key = request_key(settings, [e.name for e in pool.endpoints])

    def count_retry(_: Exception) -> None:
        meter.retries += 1

    return Dispatcher(
        pool=pool,
        policy=RetryPolicy(
            max_retries=settings.max_retries, max_wait=settings.retry_max_wait, on_retry=count_retry
        ),
        concurrency=AdaptiveConcurrency(settings.concurrency),
        meter=meter,
        budgets=budgets,
        max_tokens=settings.max_tokens,
        cache=answers,
        cache_key=key,
        rpm=TokenBucket(settings.rpm) if settings.rpm else None,
        tpm=TokenBucket(settings.tpm) if settings.tpm else None,
    )
