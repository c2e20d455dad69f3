"""Symbolic answers through Hugging Face's ``math-verify`` (the optional ``synthgen[math]`` extra).

``math-verify`` reads LaTeX and plain expressions into SymPy and compares them (fractions,
roots, expressions, sets, intervals). It is imported on first use only (SymPy takes a while to
import). Its timeouts use ``signal.alarm``, which works in the main thread only; elsewhere we
call it without a timeout (it says so itself when called from a thread with one).
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from typing import Any

INSTALL_HINT = "pip install 'synthgen[math]'"
_TIMEOUT_SECONDS = 5


@functools.cache
def symbolic_available() -> bool:
    """Whether ``math-verify`` is installed."""
    return importlib.util.find_spec("math_verify") is not None


def _timeout() -> int | None:
    return _TIMEOUT_SECONDS if threading.current_thread() is threading.main_thread() else None


def _as_latex(text: str) -> str:
    """A bare expression in ``$...$``, so that math-verify reads it as LaTeX."""
    return text if "$" in text or "\\boxed" in text else f"${text}$"


def _parse(text: str) -> list[Any]:
    import math_verify

    return math_verify.parse(text, parsing_timeout=_timeout())


@functools.lru_cache(maxsize=4096)
def parse_reference(reference: str) -> tuple[Any, ...]:
    """The reference as math-verify reads it (empty when it reads nothing); cached, since every
    sample of a row is checked against the same reference."""
    return tuple(_parse(_as_latex(reference)))


def symbolic_equal(answer: str, reference: str) -> bool:
    """Whether math-verify finds ``answer`` (a final-answer span, or a whole answer with
    ``\\boxed``) equal to ``reference``."""
    import math_verify

    gold = parse_reference(reference)
    if not gold:
        return False
    target = _parse(_as_latex(answer))
    return bool(target) and math_verify.verify(list(gold), target, timeout_seconds=_timeout())
