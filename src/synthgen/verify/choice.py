"""The ``choice`` checker: does the answer commit to exactly the reference's option?

The options of a row are the letters its prompt lists (``A. ...``/``(A) ...``/``A) ...`` lines,
or inline ``(A) ... (B) ...``), else the standard set that holds the reference letter: A-E (MMLU's
A-D, CommonsenseQA's and AQuA's A-E) or A-J (MMLU-Pro). A reference that is not one letter of its
set is refused before any request.

The answer's final statement (:func:`final_statement`) must name exactly one option: "the answer
is (E)", "E)", "Answer: E", "most likely E", "**E**", "\\boxed{E}", or the option's own text
("The answer is Paris." when the prompt lists "B. Paris"). When a statement names several and
has a "but", the clause after it decides ("(A) is tempting, but (E) fits" names E). A hedge naming several ("A, B, C, D,
or E"), a letter that is not an option, or a statement naming none is wrong. A letter after
"not" / "rather than" / "instead of" is not named ("B, not C" names B).
"""

from __future__ import annotations

import re
import string

from synthgen.verify.extract import extract_marked_answer
from synthgen.verify.math_checker import BadReference, shorten

LETTER_SETS = ("ABCDE", "ABCDEFGHIJ")
_LISTED_LINE = re.compile(
    r"^[ \t>*_-]*(?:\(([A-J])\)|\[([A-J])\]|([A-J])[.):])[ \t*_]+(\S.*?)[ \t*_]*$", re.M
)
_LISTED_INLINE = (  # "(A) 5 (B) 6" (CommonsenseQA in Wei et al.'s prompts); "A)21 B)21.5" (AQuA)
    re.compile(r"\(([A-J])\)[ \t]*([^()\n]+?)(?=[ \t]*\([A-J]\)|[ \t]*$|\n)", re.M),
    re.compile(r"(?<![^\s:])([A-J])\)[ \t]*([^\n]+?)(?=[ \t]+[A-J]\)|[ \t]*$|\n)", re.M),
)
_REFERENCE = re.compile(r"^[(\[]?([A-Za-z])[)\]]?\.?$")
# A single capital letter standing as a word ("E", "(E)", "E)", "**E**", "E." at the end).
_LETTER = re.compile(r"(?<![A-Za-z0-9'\u2019-])([A-Z])(?![A-Za-z0-9'\u2019-])")
_NEGATED = re.compile(
    r"(?:\bnot|\brather\s+than|\binstead\s+of|\bexcept|\bunlike|\bisn'?t|\bover)\s*[(\[*]*\s*$", re.I
)
# After the article "A" or the pronoun "I" a word usually follows ("A car", "I think"); as an
# option they are followed by punctuation, the end, or (A) one of a few verbs and conjunctions.
_OPTION_A_AFTER = re.compile(r"\s*(?:$|[).:;,!?*\]]|(?:is|was|seems|appears|fits|matches|and|or|nor)\b)")
_OPTION_I_AFTER = re.compile(r"\s*(?:$|[).:;,!?*\]]|is\b)")
# A statement's reasons are not what it chooses: "(B), because A and C are wrong" names B.
_REASONS = re.compile(
    r"\b(?:because|since|as|given|due\s+to|which|whereas|while)\b|\s[-\u2013\u2014]\s", re.I
)
_MARKED = re.compile(r"[(\[]([A-J])[)\]]|(?<![\w(\[])([A-J])\)|\*\*([A-J])[.:)]?\*\*")
_PLEASANTRY = re.compile(r"\b(?:hope|help|let me know|glad|happy to|feel free)\b", re.I)
_BUT = re.compile(r"\bbut\b", re.I)
_LATEX_TEXT = re.compile(r"\\(?:text|textbf|mathrm|mathbf)\s*\{([^{}]*)\}")
_LOWER_ALONE = re.compile(r"^[(\[]?([a-j])[)\]]?\.?$")


def listed_options(prompt: str) -> dict[str, str]:
    """The options a prompt lists, letter -> text, when they run A, B, C, ... (else empty)."""
    found = {m[1] or m[2] or m[3]: m[4] for m in _LISTED_LINE.finditer(prompt)}
    for inline in _LISTED_INLINE:
        if len(found) < 2:
            found = {m[1]: m[2].strip() for m in inline.finditer(prompt)}
    run = {}
    for letter in string.ascii_uppercase[:10]:
        if letter not in found:
            break
        run[letter] = found[letter]
    return run if len(run) >= 2 else {}


def option_letters(reference: str, prompt: str = "") -> str:
    """The row's options (see the module docstring); BadReference when the reference is not one."""
    match = _REFERENCE.match(reference.strip())
    letter = match[1].upper() if match else None
    listed = "".join(listed_options(prompt))
    if letter is None:
        raise BadReference(f"reference {shorten(reference)} is not an option letter (A-E, or A-J)")
    if listed:
        if letter not in listed:
            raise BadReference(
                f"reference {shorten(reference)} is not one of the options the prompt lists ({listed[0]}-{listed[-1]})"
            )
        return listed
    for letters in LETTER_SETS:
        if letter in letters:
            return letters
    raise BadReference(f"reference {shorten(reference)} is not an option letter (A-E, or A-J)")


def final_statement(answer_text: str, options: dict[str, str] | None = None) -> str | None:
    """Where the answer commits: its marked final answer (one that names a letter or an option's
    text), else its last line (a closing pleasantry passed over) when that names one."""

    def names_an_option(span: str) -> bool:
        return _names_a_letter(span) or any(_same_text(span, text) for text in (options or {}).values())

    marked = extract_marked_answer(answer_text, names_an_option)
    if marked is not None:
        return marked
    lines = [line for line in answer_text.strip().splitlines() if line.strip()]
    while lines and _PLEASANTRY.search(lines[-1]) and not _names_a_letter(lines[-1]):
        lines.pop()
    return lines[-1] if lines and names_an_option(lines[-1]) else None


def _names_a_letter(span: str) -> bool:
    return bool(_mentions(span)) or _LOWER_ALONE.match(span.strip("*_ ")) is not None


def _mentions(span: str) -> list[str]:
    """The option letters ``span`` names, in order (negated ones and articles left out)."""
    found = []
    for match in _LETTER.finditer(span):
        letter = match[1]
        if _NEGATED.search(span, 0, match.start()):
            continue
        after = _OPTION_A_AFTER if letter == "A" else _OPTION_I_AFTER
        if letter in "AI" and not after.match(span, match.end()):
            before = span[max(0, match.start() - 2) : match.start()]
            if not before.endswith(("(", "[", "**")):
                continue
        found.append(letter)
    return found


def _letters_named(statement: str) -> set[str]:
    """The letters a statement names; when exactly one is marked as an option ("(B)", "B)",
    "**B**") the others are words of the option's text ("(B) Vitamin C", "**A** Plan B")."""
    letters = set(_mentions(statement))
    if len(letters) > 1:
        marked = {m[1] or m[2] or m[3] for m in _MARKED.finditer(statement)} & letters
        if len(marked) == 1:
            return marked
    return letters


def chosen_option(answer_text: str, options: dict[str, str] | str) -> str | None:
    """The one option the answer commits to, or ``None`` (no statement, a hedge, not an option)."""
    statement = final_statement(answer_text, options if isinstance(options, dict) else None)
    if statement is None:
        return None
    statement = _REASONS.split(_LATEX_TEXT.sub(r"\1", statement), 1)[0]
    letters = _letters_named(statement)
    if len(letters) > 1 and (contrast := _BUT.split(statement)[-1]) != statement:
        letters = _letters_named(contrast) or letters  # "(A) is tempting, but (E) fits"
    lower = _LOWER_ALONE.match(statement.strip("*_ "))
    if not letters and lower:
        letters = {lower[1].upper()}
    if not letters and isinstance(options, dict):
        letters = {k for k, text in options.items() if _same_text(statement, text)}
    if len(letters) != 1:
        return None
    (letter,) = letters
    return letter if letter in options else None


def _same_text(statement: str, option: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())

    return bool(norm(option)) and norm(statement) == norm(option)


class ChoiceChecker:
    """The answer commits to exactly the reference's option (see the module docstring)."""

    name = "choice"
    needs_reference = True

    def validate_reference(self, reference: str, prompt: str = "") -> None:
        option_letters(reference, prompt)

    def extract(self, answer_text: str, prompt: str = "") -> str | None:
        """The chosen option's letter (the options listed in ``prompt``, else A-J), or ``None``."""
        return chosen_option(answer_text, listed_options(prompt) or LETTER_SETS[-1])

    def check(self, answer_text: str, reference: str, prompt: str = "") -> bool:
        letters = option_letters(reference, prompt)
        options: dict[str, str] | str = listed_options(prompt) or letters
        chosen = chosen_option(answer_text, options)
        return chosen is not None and chosen == reference.strip().strip("()[].").upper()
