"""The code in an answer: what ``--verify code`` runs.

The last fenced code block tagged ``python`` (or ``py``, ``python3``); else the last
untagged fenced block; else the whole answer when it parses as Python. A block tagged with
another language is never taken for Python. The caller passes the answer without its
reasoning trace: a trace is never executed.
"""

from __future__ import annotations

import ast
import re

# A fence of three or more backticks or tildes, its info string, the body, the same fence.
_FENCE = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
    re.M | re.S,
)
PYTHON_TAGS = frozenset({"python", "py", "python3", "py3"})


def extract_code(answer: str) -> str | None:
    """The code to run, or ``None`` when the answer holds none."""
    tagged: str | None = None
    untagged: str | None = None
    for match in _FENCE.finditer(answer):
        words = match["info"].split()
        tag = words[0].lower().lstrip("{.") if words else ""
        if tag in PYTHON_TAGS:
            tagged = match["body"]
        elif not tag:
            untagged = match["body"]
    code = tagged if tagged is not None else untagged
    if code is not None:
        return code if code.strip() else None
    if "```" not in answer and _parses(answer):
        return answer
    return None


def _parses(text: str) -> bool:
    if not text.strip():
        return False
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True
