"""The leading verb of an instruction and its direct object (the chart in Alpaca's release).

Two ways, the same output (lower-case verb, lower-case singular object or None):

* **spaCy** (optional extra ``synthgen[nlp]``), used only when an English pipeline is
  already installed (``en_core_web_sm`` etc.; nothing is ever downloaded): the root verb
  of the dependency parse and its first direct object, as lemmas.
* **heuristic** (always available): an imperative starts with its verb, so the first word
  counts as the verb when it is one of the verbs instructions start with (:data:`VERBS`, a
  list written for synthgen, plus words ending in -ize/-ise/-ify); a name, a preposition or a
  noun that opens a word problem ("Greta has 5 apples", "Over the weekend, ...") is no verb,
  and such rows count as having none. The object is the head (last word) of the noun phrase
  after it, which ends at the first preposition, conjunction, "-ing" word or punctuation
  ("Write a short poem about cats" -> write / poem; "Tell me a joke" -> tell / joke). Its
  figures say they are heuristic.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from typing import Any

SPACY_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NOT_VERBS = _word_set(
    "what how why who whom whose which when where is are was were am be do does did can could "
    "would should will shall may might must the a an i you we they he she it my your our this that "
    "these those if in on at for of to as there here given assume suppose imagine let"
)
_SKIPPED_FIRST = frozenset({"please", "now", "then", "also", "finally"})
# Verbs an instruction starts with, in their base (imperative) form.
VERBS = _word_set(
    "add adapt address adjust advise analyse analyze answer apply arrange ask assess assign "
    "break brainstorm build calculate categorize change check choose cite clarify classify clean "
    "collect combine come compare compile complete compose compute condense construct continue "
    "convert correct count craft create critique cut debug decide decode define delete describe "
    "design detect determine develop devise diagnose discuss distinguish divide do draft edit "
    "elaborate eliminate encode enumerate estimate evaluate examine expand explain explore express "
    "extract fill filter find finish fix flag follow format formulate generate get give group "
    "guess help highlight identify illustrate imagine implement improve include indicate infer "
    "insert interpret introduce invent investigate join judge justify keep label link list locate "
    "look make map mark match measure memorize merge mention model modify multiply name note "
    "obtain offer order organize outline paraphrase parse pick plan play point predict prepare "
    "present prioritize produce proofread propose provide prove put rank rate read rearrange "
    "recommend reduce refactor reflect reformat rephrase replace reply report represent request "
    "research resolve respond restate restructure retell return reverse review revise rewrite "
    "role-play run say schedule score search select separate set share shorten show simplify "
    "simulate sketch solve sort specify spell split state suggest summarise summarize supply "
    "swap take talk teach tell test think trace track transform translate turn type underline "
    "update use validate verify visualize walk weigh word work write"
)
_VERB_SUFFIXES = ("ize", "ise", "ify")
_SKIPPED_OBJECTS = frozenset({"me", "us", "him", "her", "them", "it", "you", "yourself"})
_PHRASE_END = _word_set(
    "about above across after against along among around at before behind below between by "
    "during for from in into like near of off on onto over since than through to toward towards "
    "under until up upon with within without and or but so because while whether if that which "
    "who whom whose what where when why how as using based can could will would should may might must "
    "is are was were be"
)
# Words that open a noun phrase but are never its head.
_DETERMINERS = _word_set(
    "a an the this that these those some any each every all both my your his her its our their "
    "one two three four five six seven eight nine ten few several many more most another other"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\S")
_MAX_PHRASE = 4


def heuristic_verb_object(instruction: str) -> tuple[str | None, str | None]:
    """(verb, object) of an imperative instruction by the first-word rule; Nones if none."""
    words = _WORD.findall(instruction)
    while words and words[0].lower() in _SKIPPED_FIRST:
        words = words[1:]
    if not words or not words[0][0].isalpha() or not is_instruction_verb(words[0]):
        return None, None
    if len(words) > 1 and words[1] in (":", "-"):  # "Background: ..." is a label, not a verb
        return None, None
    verb = words[0].lower()
    phrase: list[str] = []
    for word in words[1:]:
        low = word.lower()
        if not word[0].isalpha() or low in _PHRASE_END or (phrase and low.endswith("ing")):
            break
        if not phrase and low in _SKIPPED_OBJECTS:
            continue
        if low in _DETERMINERS or low.isdigit():
            continue
        phrase.append(low)
        if len(phrase) == _MAX_PHRASE:
            break
    return verb, (singular(phrase[-1]) if phrase else None)


def heuristic_verb(instruction: str) -> str | None:
    """The verb of :func:`heuristic_verb_object`, reading only the first words (a card needs
    no objects: ~4x faster on generated instructions)."""
    words = _WORD.finditer(instruction)
    first = next(words, None)
    while first is not None and first.group().lower() in _SKIPPED_FIRST:
        first = next(words, None)
    if first is None:
        return None
    word = first.group()
    if not word[0].isalpha() or not is_instruction_verb(word):
        return None
    second = next(words, None)
    if second is not None and second.group() in (":", "-"):  # a label, as above
        return None
    return word.lower()


def is_instruction_verb(word: str) -> bool:
    """Whether ``word`` opens an instruction as its verb (by the list; see the module docstring)."""
    low = word.lower()
    if low in _NOT_VERBS:
        return False
    return low in VERBS or (len(low) > 5 and low.endswith(_VERB_SUFFIXES))


def singular(noun: str) -> str:
    """A plural noun's singular by the regular English rules (good enough for counting)."""
    if len(noun) > 4 and noun.endswith("ies"):
        return noun[:-3] + "y"
    if len(noun) > 4 and noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if len(noun) > 3 and noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def installed_spacy_pipeline() -> Any | None:
    """An installed English spaCy pipeline (parser on, NER off), or None. Never downloads.

    Looks for the model packages before importing spaCy, whose import alone takes ~1 s.
    """
    name = next((name for name in SPACY_MODELS if importlib.util.find_spec(name) is not None), None)
    if name is None:
        return None
    try:
        import spacy
    except ImportError:
        return None
    return spacy.load(name, exclude=["ner"])


def spacy_verb_object(doc: Any) -> tuple[str | None, str | None]:
    """(verb, object) from a parsed spaCy ``Doc``: the root verb and its first direct object."""
    root = next((token for token in doc if token.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "VERB":
        return None, None
    obj = next((child for child in root.children if child.dep_ in ("dobj", "obj")), None)
    return root.lemma_.lower(), (obj.lemma_.lower() if obj is not None else None)


def verb_objects(
    instructions: Iterable[str], parser: str = "auto"
) -> tuple[str, list[tuple[str | None, str | None]]]:
    """The parser used ("spacy" or "heuristic") and (verb, object) per instruction.

    ``parser="spacy"`` without an installed pipeline raises LookupError.
    """
    nlp = installed_spacy_pipeline() if parser in ("auto", "spacy") else None
    if nlp is None:
        if parser == "spacy":
            raise LookupError(
                "no spaCy English pipeline installed: pip install 'synthgen[nlp]' and a model "
                "(e.g. python -m spacy download en_core_web_sm), or use --parser heuristic"
            )
        return "heuristic", [heuristic_verb_object(text) for text in instructions]
    # The first sentence is all the chart needs; short texts parse faster.
    texts = (text.split("\n", 1)[0][:300] for text in instructions)
    return "spacy", [spacy_verb_object(doc) for doc in nlp.pipe(texts, batch_size=256)]
