"""The teacher of a command: which kind, its usage meter, and its stack (the mock handed in here)."""

from __future__ import annotations

from synthgen.config import TeacherOptions
from synthgen.teacher.build import build_dispatcher, openai_endpoints, read_api_key
from synthgen.teacher.dispatch import Budgets, Dispatcher, UsageMeter
from synthgen.teacher.endpoints import Endpoint, EndpointPool

__all__ = ["build_teacher", "new_meter", "teacher_kind"]


def teacher_kind(settings: TeacherOptions) -> str:
    """ "mock" or "openai"; a missing API key fails now, before any file is read or made."""
    kind = settings.teacher_kind()
    if kind == "openai":
        read_api_key(settings)
    return kind


def new_meter(settings: TeacherOptions) -> UsageMeter:
    """A usage meter that knows the configured prices."""
    return UsageMeter(prices={m: (p.input, p.output) for m, p in settings.prices.items()})


def build_teacher(
    settings: TeacherOptions, meter: UsageMeter, kind: str, budgets: Budgets | None = None
) -> Dispatcher:
    """The teacher stack for ``kind`` ("mock" or "openai", resolved once by the caller).

    ``budgets``: limits shared with another teacher of the run (default: the settings' own).
    """
    if kind == "mock":
        from synthgen.mock.teacher import MockTeacher  # the mock is a teacher too, built on demand

        mock = MockTeacher(seed=settings.seed, max_tokens=settings.max_tokens)
        pool = EndpointPool([Endpoint("mock", mock)])
        return build_dispatcher(settings, meter, pool, budgets, cache=False)  # the mock costs nothing
    return build_dispatcher(settings, meter, openai_endpoints(settings), budgets, cache=True)
