"""``synthgen stats`` figures of preference data: chosen against rejected answers.

Lengths come with the other length figures (``chosen`` and ``rejected`` words); the judge's
grades come from the meta file ``synthgen pairs`` writes beside its pairs (each line's
``chosen.score`` and ``rejected.score``), when every line has both: how often each score was
given to the chosen and to the rejected answer, and the margin between them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

SCORES = range(1, 11)


def preference_figures(meta: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The score figures of a pairs file's meta lines, or None when they hold no grades."""
    pairs = [(_score(m, "chosen"), _score(m, "rejected")) for m in meta]
    if not pairs or any(c is None or r is None for c, r in pairs):
        return None
    chosen = Counter(c for c, _ in pairs)
    rejected = Counter(r for _, r in pairs)
    margins = Counter(c - r for c, r in pairs if c is not None and r is not None)
    return {
        "pairs": len(pairs),
        "scores": list(SCORES),
        "chosen": [chosen[s] for s in SCORES],
        "rejected": [rejected[s] for s in SCORES],
        "margins": {str(m): margins[m] for m in sorted(margins)},
    }


def _score(line: dict[str, Any], side: str) -> int | None:
    note = line.get(side)
    score = note.get("score") if isinstance(note, dict) else None
    return score if isinstance(score, int) else None
