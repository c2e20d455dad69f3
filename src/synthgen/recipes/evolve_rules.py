"""The elimination rules about an evolved task's text (its parsing is in ``evolve_prompts``).

Evol-Instruct (Xu et al. 2023, WizardLM, section 3.4) counts an evolution as failed when the
evolved instruction brings no information beyond its parent, or when it copies words of the
evolving prompt (their examples: "given prompt", "rewritten prompt", "#Rewritten Prompt#").
They judged the first with ChatGPT; here it is a cheap, deterministic rule: the evolved task
must contain at least ``min_new_words`` words that its parent does not (stop words aside).
The refusal and answer-length rules need an answer to the evolved task: ``synthgen respond``
gives one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from synthgen.dedup import rouge_tokens

# Words that say nothing new on their own: "Please summarize..." adds no information.
STOP_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by", "from",
    "as", "is", "are", "was", "be", "been", "it", "its", "this", "that", "these", "those", "there",
    "here", "i", "me", "my", "we", "our", "you", "your", "he", "she", "they", "them", "their", "can",
    "could", "would", "should", "will", "shall", "may", "might", "must", "do", "does", "please",
    "kindly", "just", "also", "then", "so", "very", "really", "now",
))  # fmt: skip
# Giveaways of a copied prompt whatever the template says: WizardLM's own examples ("given
# prompt", "#Rewritten Prompt#"), the label of its in-breadth prompt ("#Created Prompt#"), ours.
GIVEAWAY_PHRASES = (
    "given prompt",
    "rewritten prompt",
    "created prompt",
    "rewritten task",
    "rewritten version",
)


def copied_phrases(labels: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding any of the prompt's ``labels`` or :data:`GIVEAWAY_PHRASES` as words."""
    phrases = sorted({" ".join(p.lower().split()) for p in (*labels, *GIVEAWAY_PHRASES) if p.strip()})
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def new_words(evolved: str, parent: str) -> set[str]:
    """Words of ``evolved`` (rouge-score tokens) that ``parent`` lacks, stop words aside."""
    return set(rouge_tokens(evolved)) - set(rouge_tokens(parent)) - STOP_WORDS


def task_text(instruction: str, input: str) -> str:
    """A task as one text (instruction, blank line, input): what the dedup rules compare."""
    return f"{instruction}\n\n{input}" if input else instruction
