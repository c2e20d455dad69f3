"""How far an earlier ``synthgen evolve`` got: its kept rows with their lineage, and the last
request it screened.

Read-only, before any round's session takes the lock (the session repairs a torn last line
itself): a line without its newline is not counted, and a meta line without its data line
neither. Every screened request left either a kept row (its meta line names the request) or
a line in ``OUT.rejected.jsonl`` (``_request``), so the last one screened is the largest of
those: a resumed round starts after it, and a round that got to its end is not run again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.errors import InputError
from synthgen.io.beside import REJECTED, meta_path, report_path, side_path
from synthgen.recipes.evolve import Parent
from synthgen.reports import RunReport


@dataclass(frozen=True)
class KeptRow:
    instruction: str
    input: str
    index: int  # its line in the output, from 0
    round: int
    request: int
    line: int  # the input line of its lineage
    parent: int | None  # the output row it was evolved from (None: the input row at ``line``)


@dataclass
class EvolveProgress:
    rows: list[KeptRow] = field(default_factory=list)
    last_screened: int = -1  # no request screened yet
    report: RunReport | None = None

    def kept_in_round(self, round: int) -> dict[int, KeptRow]:
        """The round's kept rows by request."""
        return {row.request: row for row in self.rows if row.round == round}

    def as_parent(self, row: KeptRow, input_positions: dict[int, int]) -> Parent:
        """``row`` as a parent; its lineage in the dedup pool (the input rows, then the output's
        rows) from ``input_positions`` (input line -> place among the input rows)."""
        inputs, lineage = len(input_positions), []
        current: KeptRow | None = row
        while current is not None:
            lineage.append(inputs + current.index)
            current = None if current.parent is None else self.rows[current.parent]
        lineage.append(input_positions[row.line])
        return Parent(row.instruction, row.input, row.index, row.line, tuple(lineage))


def read_progress(output: Path) -> EvolveProgress:
    """What the output files say (nothing when there is no output yet)."""
    if not output.exists():
        return EvolveProgress()
    data = [_decode(output, number, line) for number, line in _complete_lines(output)]
    metas = [_decode(meta_path(output), n, line) for n, line in _complete_lines(meta_path(output))]
    rows = [_kept_row(output, i, row, meta) for i, (row, meta) in enumerate(zip(data, metas, strict=False))]
    screened = [row.request for row in rows]  # zip: a torn tail may leave one side a line longer
    rejected = side_path(output, REJECTED)
    for number, line in _complete_lines(rejected):
        request = _decode(rejected, number, line).get("_request")
        if isinstance(request, int):
            screened.append(request)
    return EvolveProgress(rows, max(screened, default=-1), RunReport.read(report_path(output)))


def _complete_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the lines that end with a newline (a torn last one does not)."""
    if not path.exists():
        return []
    # split("\n"), not splitlines(): a JSON string may hold U+2028 and other line breaks
    return list(enumerate(path.read_text(encoding="utf-8").split("\n")[:-1], start=1))


def _decode(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise InputError(
            f"{path}:{number}: not a synthgen output line; fix the file or pass --overwrite to start afresh"
        )
    return value


def _kept_row(output: Path, index: int, row: dict[str, Any], meta: dict[str, Any]) -> KeptRow:
    parent = meta.get("parent")
    if parent is not None and not (isinstance(parent, int) and 0 <= parent < index):
        raise InputError(
            f"{meta_path(output)}:{index + 1}: parent: {parent!r} is not an earlier row; "
            "pass --overwrite to start afresh"
        )
    try:
        return KeptRow(
            str(row["instruction"]),
            str(row.get("input", "")),
            index,
            meta["round"],
            meta["request"],
            meta["line"],
            parent,
        )
    except KeyError as exc:
        raise InputError(
            f"{meta_path(output)}:{index + 1}: {exc.args[0]}: field required - not made by synthgen "
            "evolve; pass --overwrite to start afresh"
        ) from exc
