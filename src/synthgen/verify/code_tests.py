"""A row's tests, read and checked before any request: what ``--verify code`` will run.

Shapes datasets use (each raises :class:`BadTests` with a one-line reason when it is wrong;
the caller adds ``file:line:field``):

* Python test code, a string: top-level ``assert`` statements are the tests, and the
  statements between them (imports, helpers) run before the tests that follow them
  (MBPP-style); or a ``check(candidate)`` function (HumanEval-style), called once with the
  function the row names (its entry point). Code with neither is one test that passes when
  it runs to its end.
* A list of such strings (MBPP's ``test_list``): one test each.
* Input/output pairs for stdin/stdout programs (competitive programming):
  ``[{"input": "...", "output": "..."}, ...]``, or APPS' ``{"inputs": [...], "outputs": [...]}``,
  also as a JSON string.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Any


class BadTests(ValueError):
    """Tests that cannot be run; ``str()`` is the one-line reason, ``path`` where in the tests
    value it lies (``"[2].output"``; empty: the value itself)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class TestPlan:
    """What the harness runs: ``units`` (``("setup" | "test", source)``, in order) or ``cases``
    (``(stdin, expected stdout)``)."""

    units: tuple[tuple[str, str], ...] = ()
    cases: tuple[tuple[str, str], ...] = ()

    __test__ = False  # not a pytest class

    @property
    def total(self) -> int:
        return len(self.cases) or sum(kind == "test" for kind, _ in self.units)

    def harness_job(self, code: str, *, exact: bool, output_limit: int) -> dict[str, Any]:
        """The harness's job file (see :mod:`synthgen.verify.code_harness`)."""
        if self.cases:
            cases = [{"input": given, "output": wanted} for given, wanted in self.cases]
            return {"code": code, "cases": cases, "exact": exact, "output_limit": output_limit}
        return {"code": code, "units": [list(unit) for unit in self.units]}


def read_tests(value: object, entry_point: str | None = None) -> TestPlan:
    """The plan for a row's tests field; ``entry_point``: the function ``check`` is called with."""
    if entry_point is not None and not entry_point.isidentifier():
        raise BadTests(f"entry point {entry_point!r} is not a Python name")
    if isinstance(value, str):
        decoded = _json_container(value)
        if decoded is None:
            return _code_plan(value, entry_point)
        value = decoded
    if isinstance(value, dict):
        return _columns_plan(value)
    if not isinstance(value, list) or not value:
        raise BadTests(
            f"expected Python test code, a list of tests or input/output pairs, got {_kind(value)}"
        )
    if all(isinstance(item, str) for item in value):
        return _list_plan(value, entry_point)
    return TestPlan(cases=tuple(_pair(item, number) for number, item in enumerate(value)))


def _json_container(text: str) -> list[Any] | dict[str, Any] | None:
    if not text.lstrip().startswith(("[", "{")):
        return None
    try:
        decoded = json.loads(text)
    except ValueError:
        return None
    return decoded if isinstance(decoded, list | dict) else None


def _code_plan(source: str, entry_point: str | None) -> TestPlan:
    tree = _parse(source, "")
    units: list[tuple[str, str]] = []
    setup: list[str] = []
    for node in tree.body:
        text = ast.unparse(node)  # exact even for statements sharing a line
        if isinstance(node, ast.Assert) or _calls_check(node):
            if setup:
                units.append(("setup", "\n".join(setup)))
                setup = []
            units.append(("test", text))
        else:
            setup.append(text)
    if setup:
        units.append(("setup", "\n".join(setup)))
    defines_check = any(isinstance(n, ast.FunctionDef) and n.name == "check" for n in tree.body)
    if defines_check and not any(_calls_check(n) for n in tree.body):
        if entry_point is None:
            raise BadTests("the tests define check(candidate) but the row names no entry point")
        units.append(("test", f"check({entry_point})"))
    elif entry_point is not None and entry_point not in _names(tree):
        raise BadTests(f"the tests never use the entry point {entry_point!r}")
    if not any(kind == "test" for kind, _ in units):
        units = [("test", source)]  # no assert, no check: passes when it runs to its end
    return TestPlan(units=tuple(units))


def _list_plan(sources: list[str], entry_point: str | None) -> TestPlan:
    names: set[str] = set()
    for number, source in enumerate(sources):
        names |= _names(_parse(source, f"[{number}]"))
    if entry_point is not None and entry_point not in names:
        raise BadTests(f"the tests never use the entry point {entry_point!r}")
    return TestPlan(units=tuple(("test", source) for source in sources))


def _columns_plan(value: dict[str, Any]) -> TestPlan:
    inputs, outputs = value.get("inputs"), value.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list):
        raise BadTests('expected "inputs" and "outputs" lists (or a list of tests)')
    if value.get("fn_name"):
        raise BadTests("call-based tests (fn_name) are not supported: give assert tests instead")
    if len(inputs) != len(outputs) or not inputs:
        raise BadTests(f"{len(inputs)} inputs and {len(outputs)} outputs")
    pairs = [{"input": given, "output": wanted} for given, wanted in zip(inputs, outputs, strict=True)]
    return TestPlan(cases=tuple(_pair(pair, number) for number, pair in enumerate(pairs)))


def _pair(item: object, number: int) -> tuple[str, str]:
    if not isinstance(item, dict) or "input" not in item or "output" not in item:
        raise BadTests(
            f'expected test code or an {{"input", "output"}} pair, got {_kind(item)}', f"[{number}]"
        )
    for key in ("input", "output"):
        if not isinstance(item[key], str):
            raise BadTests(f"expected a string, got {_kind(item[key])}", f"[{number}].{key}")
    return item["input"], item["output"]


def _parse(source: str, where: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise BadTests(f"not valid Python: line {exc.lineno}: {exc.msg}", where) from None
    except ValueError as exc:  # e.g. a NUL byte
        raise BadTests(f"not valid Python: {exc}", where) from None


def _calls_check(node: ast.stmt) -> bool:
    call = node.value if isinstance(node, ast.Expr) else None
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check"


def _names(tree: ast.AST) -> set[str]:
    found = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return found | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return f"an empty {type(value).__name__}" if value in ([], {}, "") else f"a {type(value).__name__}"
