""":class:`Candidate`, a task parsed from a teacher's answer (re-exported by :mod:`synthgen.records`).

Apart from the pydantic records so that the screening worker, which parses and filters
candidates, does not import pydantic (~0.1 s of CPU per process).
"""

from __future__ import annotations

from typing import NamedTuple


class Candidate(NamedTuple):
    """A task parsed from a completion, not yet filtered or deduplicated.

    A plain named tuple, not a model: the parser makes only strings, and ~20 of these per
    answer cross from the screening worker to the main process, where pickling a tuple is
    ~5x cheaper than a pydantic model.
    """

    instruction: str
    input: str = ""
    output: str = ""
