"""How models state a math answer: the templates the regression set wraps each answer in.

Marked formats (an explicit final-answer marker) and unmarked ones (the answer is only the last
line's expression or number). Sources of each convention: see ``math_answers.py``. ``{X}`` is
the answer's LaTeX body, ``{P}`` its plain-text form (templates with ``{P}`` are used only for
answers that have one), ``{Y}`` another problem's answer (an earlier, superseded box).
"""

from __future__ import annotations

import random

MARKED = {
    # MATH-style solutions (Hendrycks et al. 2021) and chat models' markdown
    "boxed_sentence": "{work}\n\nTherefore, the answer is $\\boxed{{{X}}}$.",
    "boxed_final_heading": "{work}\n\n### Final Answer\n\\[\n\\boxed{{{X}}}\n\\]",
    "boxed_final_answer_is": "{work}\n\nThe final answer is $\\boxed{{{X}}}$.",
    "boxed_final_answer_is_colon": "{work}\n\nThe final answer is: $\\boxed{{{X}}}$",  # Llama 3's
    "fbox": "{work}\n\nSo we get $\\fbox{{{X}}}$.",
    # Minerva (Lewkowycz et al. 2022); the second one first boxes a value it then corrects
    "minerva": "{work}\nFinal Answer: The final answer is ${X}$. I hope it is correct.",
    "minerva_plain": "{work}\nFinal Answer: The final answer is {P}. I hope it is correct.",
    "minerva_after_box": (
        "{work} That gives $\\boxed{{{Y}}}$, but it ignores the second case. {work2}\n"
        "Final Answer: The final answer is ${X}$. I hope it is correct."
    ),
    # GSM8K (Cobbe et al. 2021) and chain-of-thought (Wei et al. 2022)
    "gsm8k_hashes": "{work}\n#### {P}",
    "cot_answer_is": "{work} The answer is {P}.",
    "answer_is_latex": "{work} The answer is ${X}$.",
    "not_possible_then_answer": (
        "{work} With $x = 0$ the denominator vanishes, so this answer is not possible \u2026 "
        "taking the other case, the answer is ${X}$."
    ),
    "answer_is_bold": "{work} The answer is **{P}**.",
    "answer_is_colon": "{work} The answer is: {P}",
    "answer_is_display": "{work} Therefore, the answer is\n\\[\n{X}\n\\]",
    # "Answer:" lines
    "bold_answer": "{work}\n\n**Answer:** ${X}$",
    "answer_colon": "{work}\nAnswer: {P}",
    "final_answer_colon_boxed": "{work}\n\n**Final Answer:** $\\boxed{{{X}}}$",
    "final_answer_colon": "{work}\n\nFinal answer: ${X}$",
    # a box, then chat
    "boxed_then_chat": "{work}\n\n$\\boxed{{{X}}}$\n\nLet me know if you have any other questions!",
    "num_boxed_with_variable": "{work}\n\nSo $\\boxed{{x = {X}}}$.",
}

# Hedges: whatever X is, naming two answers is wrong (written with the right answer and another).
HEDGES = {
    "hedge_boxes": "{work} It is either $\\boxed{{{X}}}$ or $\\boxed{{{Y}}}$.",
    "hedge_answer_is": "{work} The answer is ${X}$ or ${Y}$.",
    "hedge_final": "{work}\nFinal Answer: The final answer is ${X}$ or ${Y}$. I hope it is correct.",
}

UNMARKED = {
    "last_inline": "{work}\n\nSo the result is ${X}$.",
    "last_display_dollars": "{work}\n\n$${X}$$",
    "last_display_brackets": "{work}\nHence\n\\[\n{X}\n\\]",
    "thus_inline": "{work}\nThus, ${X}$.",
    "last_number_sentence": "{work}\nSo that makes {P} in total.",
    "bare_last_line": "{work}\n\n{P}",
    "bold_last_line": "{work}\n\n**${X}$**",
    "then_pleasantry": "{work}\n\nSo the result is ${X}$.\n\nI hope this helps!",
    "num_bold_sentence": "{work}\nTherefore, she makes **{P}** every day.",
    "num_equals_line": "{work}\n= {P}",
    "num_equation_chain": "{work}\nAdding up, $x = 12 - 5 + {X} - 7 = {X}$.",
}


def work(rng: random.Random) -> str:
    """Two or three sentences of working, with numbers and math that are not the answer."""
    a, b, c = rng.randint(2, 19), rng.randint(2, 19), rng.randint(2, 99)
    sentences = [
        f"We have $3 \\cdot {a} = {3 * a}$ and ${b} + {c} = {b + c}$.",
        f"Substituting $x = {a}$ gives ${a}^2 - {b} = {a * a - b}$.",
        f"First, {a} boxes hold {b} pencils each, so there are {a * b} pencils.",
        f"Let $f(x) = x^2 + {a}x$. Then $f(1) = {1 + a}$, and $f(2) = {4 + 2 * a}$.",
        f"The equation $({a}, {b})$ is a point on the line, and the slope is $\\frac{{{b}}}{{{a}}}$.",
        f"Since $\\sqrt{{{a * a}}} = {a}$, the side is {a} cm and the perimeter is {4 * a} cm.",
        f"I made {c} cookies on Monday, 1,500 over the month, and gave away {b}.",
    ]
    return " ".join(rng.sample(sentences, rng.randint(2, 3)))


def render(
    name: str, template: str, rng: random.Random, body: str, plain: str | None, other: str, numeric: bool
) -> str | None:
    """The template with an answer in it, or ``None`` when it needs a plain form the answer lacks
    (or, for ``num_`` templates, a numeric problem)."""
    if ("{P}" in template and plain is None) or (name.startswith("num_") and not numeric):
        return None
    return template.format(work=work(rng), work2=work(rng), X=body, P=plain or "", Y=other)
