"""A regression set for ``--verify choice``, written here from the multiple-choice conventions of
common benchmarks and the phrasings models use for them (no other project's data).

Prompts list the options the way these sets do: ``A. text`` lines (MMLU, Hendrycks et al. 2021,
as lm-evaluation-harness shows it, four options A-D), ``(A) text`` lines (GPQA, Rein et al. 2023),
inline "Answer Choices: (A) ... (B) ..." (CommonsenseQA, Talmor et al. 2019, five options A-E, in
the chain-of-thought prompts of Wei et al. 2022), ``A)21`` (AQuA-RAT, Ling et al. 2017), and ten
options A-J (MMLU-Pro, Wang et al. 2024, whose prompt asks to finish with "the answer is (X)").
Final statements: "the answer is (X)" (MMLU-Pro), "Answer: X" (lm-evaluation-harness), "The best
answer is X" (Llama 3's evaluation prompts), "The correct answer is (X)" (GPQA), and chat
phrasings ("**X**", "X) text", "most likely X", "I would choose X", a bare letter, the option's
text). Wrong on purpose: another option, hedges naming several, a letter that is not an option,
no commitment.
"""

from __future__ import annotations

import random

from verify_cases import Case

WORDS = (
    "river mountain copper violin harbor lantern meadow falcon quartz orchard glacier canyon "
    "compass ember prism tundra beacon saddle walnut marble cobalt thistle anchor vessel"
).split()

RIGHT = {  # {X}: the chosen letter, {T}: its option text
    "mmlu_pro": "{work}\nThe answer is ({X}).",
    "answer_is_plain": "{work} So the answer is {X}.",
    "answer_colon": "{work}\nAnswer: {X}",
    "best_answer": "{work}\n\nThe best answer is {X}.",
    "correct_answer_text": "{work}\n\nThe correct answer is ({X}) {T}.",
    "most_likely": "{work} Therefore, the answer is most likely {X}.",
    "bold_letter": "{work}\n\n**{X}**",
    "bold_letter_text": "{work}\n\n**{X}) {T}**",
    "letter_paren_text": "{work}\n\n{X}) {T}",
    "boxed": "{work}\n\n$\\boxed{{{X}}}$",
    "final_answer_colon": "{work}\n\nFinal answer: {X}",
    "would_choose": "{work}\nI would choose {X}.",
    "bare_letter": "{work}\n\n{X}",
    "option_text_only": "{work}\nThe answer is {T}.",
    "not_another": "{work}\nThe answer is {X}, not {Y}.",
    "because_others": "{work}\nThe answer is ({X}) because ({Y}) and ({Z}) do not fit.",
    "then_pleasantry": "{work}\nThe answer is ({X}).\n\nI hope this helps!",
    "answer_would_be": "{work}\nSo, the answer would be ({X}).",
    "final_answer_bold": "{work}\n\n**Final Answer: ({X})**",
    "answer_then_explanation": "Answer: {X}\n\nExplanation: {work}",
    "retraction": "{work} The answer is {Y}. Wait, that ignores the second paragraph; actually the answer is {X}.",
    "boxed_text": "{work}\n\n$\\boxed{{\\text{{{X}}}}}$",
    "lowercase": "{work}\nthe answer is {x}",
    "letter_is_correct": "{work}\n{X} is correct.",
    "correct_option_is": "{work}\nThe correct option is {X}.",
    "option_is_the_answer": "{work}\nOption ({X}) {T} is the answer.",
    "letter_in_text": "{work}\nThe answer is ({X}) {T} with vitamin C.",
}
WRONG_ONLY = {  # whatever the letters, the statement commits to no single option
    "hedge_all": "{work}\nThe answer is {ALL}.",
    "hedge_two": "{work}\nIt is either {X} or {Y}.",
    "hedge_both": "{work}\n\nBoth ({X}) and ({Y}) are correct.",
    "not_an_option": "{work}\nThe answer is ({OUT}).",
    "none_of_them": "{work}\nNone of the options is correct.",
    "cannot_tell": "{work}\nI cannot determine the answer from the information given.",
}


def _prompt(rng: random.Random, letters: str, texts: list[str]) -> tuple[str, str]:
    style = rng.choice(
        ["lines_dot", "lines_paren", "inline", "aqua"] if len(letters) <= 5 else ["lines_dot", "lines_paren"]
    )
    stem = f"Which of these is linked to the {rng.choice(WORDS)} in the story?"
    if style == "lines_dot":
        return style, stem + "\n" + "\n".join(f"{c}. {t}" for c, t in zip(letters, texts))
    if style == "lines_paren":
        return style, stem + "\n" + "\n".join(f"({c}) {t}" for c, t in zip(letters, texts))
    if style == "inline":
        return style, stem + "\nAnswer Choices: " + " ".join(f"({c}) {t}" for c, t in zip(letters, texts))
    return style, stem + "\nOptions: " + " ".join(f"{c}){t}" for c, t in zip(letters, texts))


def _work(rng: random.Random, letters: str, texts: list[str]) -> str:
    """Discussion that mentions other options, as chain-of-thought answers do."""
    a, b = rng.sample(range(len(letters)), 2)
    parts = [
        f"Let's look at each option. ({letters[a]}) {texts[a]} does not fit the story.",
        f"Option {letters[b]} seems plausible at first, but the second paragraph rules it out.",
        f"{letters[b]}. {texts[b]} is mentioned only once.",
        "We need the item that appears in both paragraphs.",
    ]
    return " ".join(rng.sample(parts, 3))


def cases(seed: int = 22, questions: int = 600) -> list[Case]:
    rng = random.Random(seed)
    found = []
    for _ in range(questions):
        letters = rng.choice(["ABCD", "ABCDE", "ABCDEFGHIJ"])
        texts = [" ".join(rng.sample(WORDS, rng.randint(1, 2))) for _ in letters]
        if len(set(texts)) < len(texts):
            continue
        style, prompt = _prompt(rng, letters, texts)
        reference = rng.choice(letters)
        outside = "FGHIJK"[len(letters) - 4] if len(letters) < 10 else "K"
        for form in rng.sample(sorted(RIGHT), 3):
            for right in (True, False):
                x = reference if right else rng.choice([c for c in letters if c != reference])
                y, z = rng.sample([c for c in letters if c != x], 2)
                work = _work(rng, letters, texts)
                text = RIGHT[form].format(work=work, X=x, x=x.lower(), T=texts[letters.index(x)], Y=y, Z=z)
                found.append(Case(text, reference, right, form, style, prompt))
        form = rng.choice(sorted(WRONG_ONLY))
        y = rng.choice([c for c in letters if c != reference])
        listing = ", ".join(letters[:-1]) + f", or {letters[-1]}"
        text = WRONG_ONLY[form].format(
            work=_work(rng, letters, texts), X=reference, Y=y, ALL=listing, OUT=outside
        )
        found.append(Case(text, reference, False, form, style, prompt))
    return found
