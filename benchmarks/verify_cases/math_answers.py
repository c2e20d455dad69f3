"""A regression set for ``--verify math``, written here from the answer conventions models follow.

Nothing is copied from another project's data: the problems are families of references with
random values, and every answer is built from templates of the formats real models write.
Where each convention comes from:

- MATH (Hendrycks et al. 2021, "Measuring Mathematical Problem Solving With the MATH Dataset"):
  the answer in ``\\boxed{}``; its LaTeX habits in references: ``10,\\!000`` for thousands,
  ``\\dfrac``/``\\tfrac``, ``\\$`` for dollars, ``^\\circ`` for degrees, units in ``\\text{ cm}``,
  mixed numbers ``2\\frac{1}{2}``, ``\\%``, intervals, ordered pairs, sets, matrices
  (``pmatrix``), equations (``y = 2x + 3``), and lists of solutions "1, 2".
- Minerva (Lewkowycz et al. 2022, "Solving Quantitative Reasoning Problems with Language
  Models"): every solution ends "Final Answer: The final answer is $X$. I hope it is correct."
- GSM8K (Cobbe et al. 2021, "Training Verifiers to Solve Math Word Problems"): a worked solution
  ending "#### N" (the reference is such a solution, too).
- Chain-of-thought exemplars (Wei et al. 2022): "... The answer is 18."
- Chat models' markdown: "**Answer:** X", "### Final Answer" then ``\\[ \\boxed{X} \\]``.

A problem has a reference and the ways a model writes the same answer (right) or a near miss
(wrong: another value, a flipped inequality or endpoint, and the *first-number traps* of issue
22: ``(2,3)`` for 2, ``y = x^2 + 2`` for 2, ``x < 5`` for ``x > 5``, ``10,\\!000`` for 10).
``keys`` are the values a problem's answers may equal; the cross-check pairs problems whose
keys are disjoint, so an accepted pair is always a false accept.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd


@dataclass(frozen=True)
class Problem:
    family: str
    reference: str
    right: tuple[str, ...]  # LaTeX bodies, as they would sit in \boxed{} or $...$
    wrong: tuple[str, ...]
    keys: frozenset[str]
    numeric: bool  # a plain-number reference: checked without math-verify
    plain: tuple[str, ...] = field(default=())  # right answers as plain text ("18", "$1,250")


def _num_keys(*values: Fraction) -> frozenset[str]:
    return frozenset(f"num:{v}" for v in values)


def _thousands(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


def integers(rng: random.Random, count: int) -> list[Problem]:
    """Integers; four digits and more as MATH writes them (``10,\\!000``) in the reference."""
    problems = []
    for _ in range(count):
        n = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1_000, 999_999)])
        ref = _thousands(n, ",\\!") if n >= 1000 else str(n)
        right = [str(n), f"{n}.0", f"x = {n}", f"{n} \\text{{ apples}}"]
        if n >= 1000:
            right += [_thousands(n, ","), _thousands(n, ",\\!"), _thousands(n, "{,}"), _thousands(n, "\\,")]
        m = rng.randint(2, 9)
        wrong = [
            str(n + 1), str(n - 1), str(-n), str(n * 10),
            f"({n},{m})", f"{n}\\sqrt{{{m}}}", f"y = x^{{2}} + {n}", f"x < {n}", f"{n}x", f"{n} \\pm {m}",
            f"\\frac{{{n * 4036081 + 1}}}{{4036081}}", f"{n}, {n + m}",  # within 1e-6 of n, not n
        ]  # fmt: skip
        plain = [str(n), f"{n:,}", f"{n} apples"]
        problems.append(
            Problem("integer", ref, tuple(right), tuple(wrong), _num_keys(Fraction(n)), True, tuple(plain))
        )
    return problems


def thousands_traps(rng: random.Random, count: int) -> list[Problem]:
    """A small reference whose answer, read up to its thousands separator, would match it."""
    problems = []
    for _ in range(count):
        lead = rng.randint(2, 99)
        big = lead * 1000 + rng.randint(0, 999)
        wrong = [
            _thousands(big, ",\\!"),
            _thousands(big, "{,}"),
            _thousands(big, "\\,"),
            _thousands(big, ","),
        ]
        right = [str(lead), f"{lead}.00"]
        problems.append(
            Problem("integer", str(lead), tuple(right), tuple(wrong), _num_keys(Fraction(lead)), True)
        )
    return problems


def fractions(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        q = rng.choice([2, 3, 4, 5, 7, 8, 9, 11, 12, 16, 20, 25])
        p = rng.choice([k for k in range(1, 4 * q) if gcd(k, q) == 1 and k != q])
        sign = rng.choice(["", "-"])
        value = Fraction(p, q) * (-1 if sign else 1)
        ref = f"{sign}\\frac{{{p}}}{{{q}}}"
        right = [ref, f"{sign}\\dfrac{{{p}}}{{{q}}}", f"{sign}\\tfrac{{{p}}}{{{q}}}", f"{sign}{p}/{q}",
                 f"{sign}\\frac{{{2 * p}}}{{{2 * q}}}"]  # fmt: skip
        if sign:
            right.append(f"\\frac{{-{p}}}{{{q}}}")
        if 100 % q == 0 or 1000 % q == 0:
            right.append(str(float(value)))
        if q < 10 and p < 10:
            right.append(f"{sign}\\frac{p}{q}")
        wrong = [f"{sign}\\frac{{{q}}}{{{p}}}", f"{sign}\\frac{{{p + 1}}}{{{q}}}", f"{sign}{p}", f"{sign}{p}.{q}",
                 ("" if sign else "-") + f"\\frac{{{p}}}{{{q}}}", f"\\frac{{{p}}}{{{q}}}x"]  # fmt: skip
        plain = [f"{sign}{p}/{q}"]
        problems.append(
            Problem("fraction", ref, tuple(right), tuple(wrong), _num_keys(value), True, tuple(plain))
        )
    return problems


def mixed_numbers(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        a, c = rng.randint(1, 9), rng.choice([3, 4, 5, 7, 8])
        b = rng.choice([k for k in range(1, c) if gcd(k, c) == 1])
        value = a + Fraction(b, c)
        ref = f"{a}\\frac{{{b}}}{{{c}}}"
        right = [
            ref,
            f"{a} \\frac{{{b}}}{{{c}}}",
            f"\\frac{{{a * c + b}}}{{{c}}}",
            f"{a}\\dfrac{{{b}}}{{{c}}}",
        ]
        wrong = [f"{a}", f"\\frac{{{b}}}{{{c}}}", f"{a + 1}\\frac{{{b}}}{{{c}}}", f"\\frac{{{a * b}}}{{{c}}}"]
        plain = [f"{a} {b}/{c}", f"{a * c + b}/{c}"]
        problems.append(
            Problem("mixed", ref, tuple(right), tuple(wrong), _num_keys(value), True, tuple(plain))
        )
    return problems


def money(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        cents = rng.randint(101, 99_999)
        if cents % 10 == 0:
            cents += 1
        value = Fraction(cents, 100)
        text = f"{cents // 100}.{cents % 100:02d}"
        ref = f"\\${text}"
        right = [ref, text, f"\\$ {text}", f"{text} \\text{{ dollars}}"]
        wrong = [
            f"\\${cents // 100}",
            f"\\${cents}",
            f"\\${cents // 100}.{(cents + 1) % 100:02d}",
            f"{cents % 100}",
        ]
        plain = [f"${text}", f"{text} dollars"]
        problems.append(
            Problem("money", ref, tuple(right), tuple(wrong), _num_keys(value), True, tuple(plain))
        )
    return problems


def percents(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        n = rng.randint(2, 99)
        ref = f"{n}\\%"
        right = [ref, f"{n}%", f"{n} \\%", f"{n}\\text{{ percent}}"]
        wrong = [f"{n + 1}\\%", f"{100 - n}\\%" if n != 50 else "49\\%", f"{n / 10}\\%"]
        plain = [f"{n}%", f"{n} percent"]
        keys = _num_keys(Fraction(n), Fraction(n, 100))
        problems.append(Problem("percent", ref, tuple(right), tuple(wrong), keys, True, tuple(plain)))
    return problems


def degrees(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        n = rng.randint(5, 355)
        ref = f"{n}^\\circ"
        right = [ref, f"{n}^{{\\circ}}", f"{n}\u00b0", f"{n} \\text{{ degrees}}", str(n)]
        wrong = [f"{n + 5}^\\circ", f"{180 - n if n != 90 else 91}^\\circ", f"{n}\\sqrt{{2}}"]
        plain = [f"{n} degrees", f"{n}\u00b0"]
        problems.append(
            Problem("degrees", ref, tuple(right), tuple(wrong), _num_keys(Fraction(n)), True, tuple(plain))
        )
    return problems


def units(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        n, unit = rng.randint(2, 500), rng.choice(["cm", "m", "inches", "feet", "units"])
        ref = f"{n}\\text{{ {unit}}}^2" if unit in ("cm", "m") else f"{n}\\text{{ {unit}}}"
        right = [ref, str(n), f"{n} \\text{{{unit}}}", f"{n}\\mbox{{ {unit}}}"]
        wrong = [str(n * n), f"{n}\\sqrt{{2}}", str(n + 2)]
        plain = [f"{n} {unit}"]
        problems.append(
            Problem("units", ref, tuple(right), tuple(wrong), _num_keys(Fraction(n)), True, tuple(plain))
        )
    return problems


def roots(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        a, b = rng.randint(2, 9), rng.choice([2, 3, 5, 6, 7, 10])
        if rng.random() < 0.5:
            ref = f"{a}\\sqrt{{{b}}}"
            right = [ref, f"\\sqrt{{{a * a * b}}}", f"{a} \\sqrt{{{b}}}"] + (
                [f"{a}\\sqrt {b}"] if b < 10 else []
            )
            wrong = [str(a), f"\\sqrt{{{b}}}", f"{a + 1}\\sqrt{{{b}}}", f"{a}\\sqrt{{{b + 1}}}", f"{a * b}"]
            keys = frozenset({f"root:{a * a * b}"})
        else:
            ref = f"\\frac{{\\sqrt{{{b}}}}}{{{a}}}"
            right = [ref, f"\\dfrac{{\\sqrt{{{b}}}}}{{{a}}}", f"\\frac{{1}}{{{a}}}\\sqrt{{{b}}}"]
            right += [f"\\frac{{\\sqrt{b}}}{{{a}}}"] if b < 10 else []  # "\sqrt10" is sqrt(1) then 0
            wrong = [
                f"\\frac{{{b}}}{{{a}}}",
                f"\\frac{{\\sqrt{{{b}}}}}{{{a + 1}}}",
                f"\\sqrt{{{b}}}",
                f"\\frac{{{a}}}{{\\sqrt{{{b}}}}}",
            ]
            keys = frozenset({f"root:{b}/{a * a}"})
        problems.append(Problem("root", ref, tuple(right), tuple(wrong), keys, False))
    return problems


def pis(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        k = rng.randint(2, 30)
        if rng.random() < 0.5:
            ref, right = f"{k}\\pi", [f"{k}\\pi", f"{k} \\pi", f"\\pi \\cdot {k}"]
            wrong = [str(k), f"{k + 1}\\pi", f"\\frac{{\\pi}}{{{k}}}", f"{k}\\pi^2"]
            keys = frozenset({f"pi:{k}"})
        else:
            ref, right = (
                f"\\frac{{\\pi}}{{{k}}}",
                [f"\\frac{{\\pi}}{{{k}}}", f"\\dfrac{{\\pi}}{{{k}}}", f"\\pi/{k}"],
            )
            wrong = [f"\\frac{{\\pi}}{{{k + 1}}}", f"\\frac{{{k}}}{{\\pi}}", f"{k}\\pi", str(k)]
            keys = frozenset({f"pi:1/{k}"})
        problems.append(Problem("pi", ref, tuple(right), tuple(wrong), keys, False))
    return problems


def pairs(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        a, b = rng.randint(-9, 20), rng.randint(-9, 20)
        if a == b:
            b += 3
        ref = f"({a},{b})"
        right = [ref, f"({a}, {b})", f"\\left({a}, {b}\\right)", f"( {a} , {b} )"]
        wrong = [f"({b},{a})", str(a), f"({a},{b + 1})", f"({a}, {-b})" if b else f"({a}, 1)"]
        wrong += [f"[{a},{b}]"] if a < b else []  # [3,1] is no interval: read as the pair itself
        keys = frozenset({f"paren:{a},{b}"})
        problems.append(Problem("pair", ref, tuple(right), tuple(wrong), keys, False))
    return problems


def intervals(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        a = rng.randint(-20, 20)
        b = a + rng.randint(1, 15)
        kind = rng.randrange(3)
        if kind == 0:
            ref, right = f"[{a},{b})", [f"[{a}, {b})", f"\\left[{a}, {b}\\right)", f"[{a},{b})"]
            wrong = [f"({a},{b}]", f"[{a},{b}]", f"({a},{b})", str(a)]
            keys = frozenset({f"interval:[{a},{b})"})
        elif kind == 1:
            ref, right = (
                f"(-\\infty,{a}]",
                [f"(-\\infty, {a}]", f"\\left(-\\infty, {a}\\right]", f"(-\\infty,{a}]"],
            )
            wrong = [f"(-\\infty,{a})", f"[{a},\\infty)", f"(-\\infty,{a + 1}]", str(a)]
            keys = frozenset({f"interval:(-oo,{a}]"})
        else:
            ref, right = f"[{a},{b}]", [f"[{a}, {b}]", f"\\left[ {a}, {b} \\right]"]
            wrong = [f"({a},{b})", f"[{a},{b + 1}]", f"[{a}, {b})", str(b)]
            keys = frozenset({f"interval:[{a},{b}]"})
        problems.append(Problem("interval", ref, tuple(right), tuple(wrong), keys, False))
    return problems


def sets(rng: random.Random, count: int) -> list[Problem]:
    """Sets, and MATH's "enter all the solutions, separated by commas" lists (math-verify reads
    a list as a set)."""
    problems = []
    for _ in range(count):
        a, b = sorted(rng.sample(range(-15, 30), 2))
        c = rng.choice([v for v in range(-15, 30) if v not in (a, b)])
        if rng.random() < 0.5:
            ref, right = (
                f"\\{{{a}, {b}\\}}",
                [f"\\{{{a},{b}\\}}", f"\\{{{b}, {a}\\}}", f"\\left\\{{{a}, {b}\\right\\}}"],
            )
            wrong = [f"\\{{{a}\\}}", f"\\{{{a}, {b}, {c}\\}}", f"\\{{{a}, {c}\\}}"]
        else:
            ref, right = f"{a}, {b}", [f"{a}, {b}", f"{b}, {a}", f"{a},{b}"]
            wrong = [str(a), str(b), f"{a}, {b}, {c}", f"{a}, {c}"]
        problems.append(Problem("set", ref, tuple(right), tuple(wrong), frozenset({f"set:{a},{b}"}), False))
    return problems


def equations(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        m, c = rng.randint(2, 9), rng.randint(1, 20)
        c += c == m  # "y = cx + m" must differ
        ref = f"y = {m}x + {c}"
        right = [ref, f"y={m}x+{c}", f"y = {c} + {m}x"]
        wrong = [f"y = {c}x + {m}", f"y = {m}x - {c}", f"y = {m + 1}x + {c}", str(m)]
        problems.append(
            Problem("equation", ref, tuple(right), tuple(wrong), frozenset({f"line:{m},{c}"}), False)
        )
    return problems


def inequalities(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        a = rng.randint(-20, 40)
        op, flipped = rng.choice([(">", "<"), ("<", ">"), ("\\ge", "\\le"), ("\\le", "\\ge")])
        ref = f"x {op} {a}"
        right = [
            ref,
            f"x{op}{a}" if op in "<>" else f"x {op} {a}",
            f"x {op.replace('ge', 'geq').replace('le', 'leq')} {a}",
        ]
        wrong = [f"x {flipped} {a}", f"x {op} {a + 1}", str(a), f"x = {a}"]
        problems.append(
            Problem("inequality", ref, tuple(right), tuple(wrong), frozenset({f"ineq:{op}{a}"}), False)
        )
    return problems


def polynomials(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        a = rng.randint(2, 12)
        ref = f"x^2 + {2 * a}x + {a * a}"
        right = [ref, f"(x+{a})^2", f"x^{{2}}+{2 * a}x+{a * a}", f"{a * a} + {2 * a}x + x^2"]
        wrong = [f"(x-{a})^2", f"x^2 + {a * a}", f"(x+{a + 1})^2", str(a * a), f"x^2 + {2 * a}x"]
        problems.append(
            Problem("polynomial", ref, tuple(right), tuple(wrong), frozenset({f"poly:{a}"}), False)
        )
    return problems


def matrices(rng: random.Random, count: int) -> list[Problem]:
    problems = []
    for _ in range(count):
        a, b = rng.randint(-9, 9), rng.randint(-9, 9)
        if a == b:
            b += 2
        ref = f"\\begin{{pmatrix}} {a} \\\\ {b} \\end{{pmatrix}}"
        right = [
            ref,
            f"\\begin{{pmatrix}}{a}\\\\{b}\\end{{pmatrix}}",
            f"\\begin{{pmatrix}} {a} \\\\ {b} \\end{{pmatrix}}",
        ]
        wrong = [
            f"\\begin{{pmatrix}} {b} \\\\ {a} \\end{{pmatrix}}",
            f"\\begin{{pmatrix}} {a} \\\\ {b + 1} \\end{{pmatrix}}",
            str(a),
        ]
        problems.append(
            Problem("matrix", ref, tuple(right), tuple(wrong), frozenset({f"vec:{a},{b}"}), False)
        )
    return problems


def letter_choices(rng: random.Random, count: int) -> list[Problem]:
    """AMC problems in MATH: the reference is the option's letter in ``\\text{}``."""
    problems = []
    for _ in range(count):
        letter = rng.choice("ABCDE")
        other = rng.choice([c for c in "ABCDE" if c != letter])
        ref = f"\\text{{({letter})}}"
        right = [ref, f"\\textbf{{({letter})}}", f"\\text{{{letter}}}", f"\\mathrm{{({letter})}}"]
        wrong = [f"\\text{{({other})}}", f"\\textbf{{({other})}}"]
        problems.append(
            Problem("letter", ref, tuple(right), tuple(wrong), frozenset({f"letter:{letter}"}), False)
        )
    return problems


def gsm8k(rng: random.Random, count: int) -> list[Problem]:
    """GSM8K-style rows: the reference is a worked solution ending ``#### N``."""
    problems = []
    for _ in range(count):
        eggs, eaten, price = rng.randint(12, 60), rng.randint(2, 9), rng.randint(2, 9)
        n = (eggs - eaten) * price
        ref = (
            f"She has {eggs} - {eaten} = <<{eggs}-{eaten}={eggs - eaten}>>{eggs - eaten} eggs left.\n"
            f"She makes {eggs - eaten} * {price} = <<{eggs - eaten}*{price}={n}>>{n} dollars.\n#### {n}"
        )
        right = [str(n), f"\\${n}", f"{n} \\text{{ dollars}}"]
        wrong = [str(eggs - eaten), str(eggs * price), str(n + price)]
        plain = [str(n), f"${n}", f"{n} dollars", f"${n}.00"]
        problems.append(
            Problem("gsm8k", ref, tuple(right), tuple(wrong), _num_keys(Fraction(n)), True, tuple(plain))
        )
    return problems


FAMILIES = (
    integers, thousands_traps, fractions, mixed_numbers, money, percents, degrees, units, roots, pis,
    pairs, intervals, sets, equations, inequalities, polynomials, matrices, letter_choices, gsm8k,
)  # fmt: skip


def problems(seed: int = 22, per_family: int = 40) -> list[Problem]:
    rng = random.Random(seed)
    found: list[Problem] = []
    for family in FAMILIES:
        found += family(rng, per_family)
    return found


def _plain_of(body: str) -> str | None:
    return body if "\\" not in body else None


def cases(seed: int = 22, per_family: int = 40) -> dict[str, list]:
    """The math regression set: ``marked`` (two marked formats per answer), ``unmarked`` (one
    unmarked format per answer; plain-text lines only for numeric problems)."""
    from verify_cases import Case
    from verify_cases.math_formats import HEDGES, MARKED, UNMARKED, render

    rng = random.Random(seed + 1)
    pool = problems(seed, per_family)
    found: dict[str, list[Case]] = {"marked": [], "unmarked": []}
    for problem in pool:
        answers = [(b, _plain_of(b), True) for b in problem.right] + [(p, p, True) for p in problem.plain]
        answers += [(b, _plain_of(b), False) for b in problem.wrong]
        for body, plain, expected in answers:
            other = _other(rng, pool, problem)
            for form in rng.sample(sorted(MARKED), 3):
                text = render(form, MARKED[form], rng, body, plain, other, problem.numeric)
                if text is not None:
                    found["marked"].append(Case(text, problem.reference, expected, form, problem.family))
            form = rng.choice(sorted(UNMARKED))
            text = render(
                form, UNMARKED[form], rng, body, plain if problem.numeric else None, other, problem.numeric
            )
            if text is not None:
                found["unmarked"].append(Case(text, problem.reference, expected, form, problem.family))
        form = rng.choice(sorted(HEDGES))
        text = render(
            form, HEDGES[form], rng, problem.right[0], None, _other(rng, pool, problem), problem.numeric
        )
        found["marked"].append(Case(text, problem.reference, False, form, problem.family))
    return found


def _other(rng: random.Random, pool: list[Problem], problem: Problem) -> str:
    """Another problem's answer (keys disjoint from ``problem``'s)."""
    while True:
        other = rng.choice(pool)
        if not other.keys & problem.keys:
            return other.right[0]


def cross_pairs(seed: int = 22, per_family: int = 40, count: int = 5000) -> list:
    """``count`` answers checked against another problem's reference (keys disjoint): every
    acceptance is a false one."""
    from verify_cases import Case
    from verify_cases.math_formats import MARKED, UNMARKED, render

    rng = random.Random(seed + 2)
    pool = problems(seed, per_family)
    forms = {**MARKED, **UNMARKED}
    found: list[Case] = []
    while len(found) < count:
        mine, theirs = rng.sample(pool, 2)
        if mine.keys & theirs.keys:
            continue
        body = rng.choice(mine.right)
        form = rng.choice(sorted(forms))
        plain = _plain_of(body) if mine.numeric else None
        text = render(form, forms[form], rng, body, plain, theirs.right[0], mine.numeric)
        if text is not None:
            found.append(Case(text, theirs.reference, False, form, f"{mine.family}->{theirs.family}"))
    return found
