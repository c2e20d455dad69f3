"""Math answers through Hugging Face's ``math-verify`` (the optional ``synthgen[math]`` extra).

Used the way its README shows: ``gold = parse(reference)``, ``answer = parse(prediction)``,
``verify(gold, answer)``, both parsed with its LaTeX and expression extraction configs. We hand
it the final-answer *span* our extraction found (:mod:`synthgen.verify.extract`), so that the
documented order decides which statement of the answer counts, and math-verify decides what
it means (fractions, roots, expressions, equations, inequalities, sets, intervals, matrices).
A span without math delimiters is wrapped in ``$...$``; a span of prose without any is not
handed over at all (from "12 apples and 3 pears" it would pick a number).

It is imported on first use only (SymPy takes a while to import). Its timeouts use
``signal.alarm``, which works in the main thread only (the screening worker's); elsewhere we
call it without a timeout (it says so itself when called from a thread with one).
"""

from __future__ import annotations

import functools
import importlib.util
import re
import threading
from typing import Any

from synthgen.verify.extract import is_prose

INSTALL_HINT = "pip install 'synthgen[math]'"
_TIMEOUT_SECONDS = 5
_DELIMITED = re.compile(r"\$|\\\(|\\\[|\\boxed")


@functools.cache
def symbolic_available() -> bool:
    """Whether ``math-verify`` is installed."""
    return importlib.util.find_spec("math_verify") is not None


def _timeout() -> int | None:
    return _TIMEOUT_SECONDS if threading.current_thread() is threading.main_thread() else None


def _as_latex(text: str) -> str:
    """A bare expression in ``$...$``, so that math-verify reads it as LaTeX."""
    return text if _DELIMITED.search(text) else f"${text}$"


def _parse(text: str) -> list[Any]:
    import math_verify
    from math_verify import ExprExtractionConfig, LatexExtractionConfig

    configs = [LatexExtractionConfig(), ExprExtractionConfig()]
    return math_verify.parse(text, extraction_config=configs, parsing_timeout=_timeout())


@functools.lru_cache(maxsize=4096)
def parse_reference(reference: str) -> tuple[Any, ...]:
    """The reference as math-verify reads it (empty when it reads nothing); cached, since every
    sample of a row is checked against the same reference."""
    return tuple(_parse(_as_latex(reference)))


def symbolic_equal(span: str, reference: str) -> bool:
    """Whether math-verify finds the final-answer ``span`` equal to ``reference``."""
    import math_verify

    gold = parse_reference(reference)
    if not gold or (not _DELIMITED.search(span) and is_prose(span)):
        return False
    target = _parse(_as_latex(span))
    return bool(target) and math_verify.verify(list(gold), target, timeout_seconds=_timeout())
