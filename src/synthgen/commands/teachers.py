"""The teacher of a command: which kind, its usage meter, and its stack (the mock handed in here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from synthgen.config import TeacherOptions
from synthgen.teacher.build import build_dispatcher, openai_endpoints, read_api_key
from synthgen.teacher.dispatch import Budgets, Dispatcher, UsageMeter
from synthgen.teacher.endpoints import Endpoint, EndpointPool

if TYPE_CHECKING:
    from synthgen.mock.teacher import MockTeacher

__all__ = ["TeacherSpec", "build_teacher", "mock_teacher", "new_meter", "resolve_teacher"]


@dataclass(frozen=True)
class TeacherSpec:
    """A teacher resolved once: its kind, and the options it is called with (model, endpoints,
    sampling, limits, budgets)."""

    kind: Literal["openai", "mock"]
    options: TeacherOptions


def resolve_teacher(options: TeacherOptions) -> TeacherSpec:
    """The teacher ``options`` name. A missing teacher, model or API key fails now, before any
    file is read or made (the teacher itself is built when the run starts)."""
    kind = options.teacher_kind()
    if kind == "openai":
        read_api_key(options)
    return TeacherSpec(kind, options)


def new_meter(settings: TeacherOptions) -> UsageMeter:
    """A usage meter that knows the configured prices."""
    return UsageMeter(prices={m: (p.input, p.output) for m, p in settings.prices.items()})


def mock_teacher(settings: TeacherOptions) -> MockTeacher:
    """The in-process mock of ``--teacher mock`` (built on demand: the mock is a teacher too)."""
    from synthgen.mock.teacher import MockTeacher

    return MockTeacher(seed=settings.seed, max_tokens=settings.max_tokens)


def build_teacher(teacher: TeacherSpec, meter: UsageMeter, budgets: Budgets) -> Dispatcher:
    """The teacher stack of ``teacher``.

    ``budgets``: the command's limits, shared by all its teachers (see engine/stages.py).
    """
    settings = teacher.options
    if teacher.kind == "mock":
        pool = EndpointPool([Endpoint("mock", mock_teacher(settings))])
        return build_dispatcher(settings, meter, pool, budgets, cache=False)  # the mock costs nothing
    return build_dispatcher(settings, meter, openai_endpoints(settings), budgets, cache=True)
