"""Exact arithmetic on small expressions, for the mock teacher's word problems.

:func:`evaluate` computes an expression such as ``note - qty * price`` or ``ceil(target / weekly)``
over :class:`~fractions.Fraction` values, so ``1/3 * 3`` is exactly 1 and money never meets a
float. Only numbers, names bound in ``values``, ``+ - * / // % **`` (small integer powers),
comparisons, ``and``/``or``/``not`` and the functions ``ceil``/``floor``/``min``/``max`` are
allowed: the expressions come from our own templates and from questions such as "What is
12 x (3 + 4)?", never as code.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}  # fmt: skip
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ceil": lambda x: Fraction(math.ceil(x)),
    "floor": lambda x: Fraction(math.floor(x)),
    "min": min,
    "max": max,
}
MAX_POWER = 12


class ExpressionError(ValueError):
    """Not an expression :func:`evaluate` computes (syntax, a name, a division by zero...)."""


def evaluate(expression: str, values: Mapping[str, Fraction] | None = None) -> Fraction:
    """The exact value of ``expression`` (a bool is 1 or 0) with ``values`` bound to names."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        return Fraction(_eval(tree.body, values or {}))
    except (SyntaxError, ZeroDivisionError, TypeError, OverflowError) as exc:
        raise ExpressionError(f"cannot evaluate {expression!r}: {exc}") from None


def _eval(node: ast.AST, values: Mapping[str, Fraction]) -> Any:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return Fraction(str(node.value))  # via str: 0.1 is 1/10, not the float's binary value
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise ExpressionError(f"unknown name {node.id!r}")
        return values[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        base, power = _eval(node.left, values), _eval(node.right, values)
        if power.denominator != 1 or abs(power) > MAX_POWER:
            raise ExpressionError(f"power {power} is not a small integer")
        return base ** int(power)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        operand = _eval(node.operand, values)
        return (
            -operand
            if isinstance(node.op, ast.USub)
            else (not operand if isinstance(node.op, ast.Not) else operand)
        )
    if isinstance(node, ast.Compare):
        left = _eval(node.left, values)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, values)
            if type(op) not in _COMPARE or not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        results = (_eval(v, values) for v in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
        return _FUNCTIONS[node.func.id](*(_eval(a, values) for a in node.args))
    raise ExpressionError(f"{ast.dump(node)[:40]} is not allowed")
