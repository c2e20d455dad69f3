"""Is an output a refusal? One whose substance is a decline.

Two steps. The *opening* must decline: its first sentence is the teacher declining the task
("I can't help with that", "I cannot fulfill this request", "I'm unable to access external
links", "I apologize, but I do not actually have a visual perception of ..."), or speaking as an
AI ("As an AI language model, I don't have feelings"). "I can't help but smile", "I cannot see
why anyone would disagree", "I won't write to him again", "I'm sorry, but I can't make it on
Friday" are ordinary outputs: the verb or its object is not about the task. After "I apologize,
but" (the assistant's register, not a person's) any "I do not / cannot / am not able" declines.

Then the *substance*: what follows the opening sentence, less the sentences that only apologise,
redirect or lecture ("Is there anything else I can help you with?", "Please consult a
professional.", "It's important to ..."), and less the promise of a pivot ("but I can explain
X"). With :data:`SUBSTANCE_WORDS` words or more left, the output goes on to answer: a disclaimer
followed by a real answer is not a refusal (issue 22: 70 of 101 flags on ordinary chat answers
were such disclaimers). Curly apostrophes count as straight.
"""

from __future__ import annotations

import re

SUBSTANCE_WORDS = 15  # content words after the decline that make it an answer
_OPENING_CHARS = 300  # a refusal says so at once: the opening rules read this much

_APOLOGY = (
    r"(?:(?:i'?m|i am) (?:very |so |truly |really )?sorry|i apologi[sz]e|my apologies|sorry"
    r"|unfortunately|regrettably|(?:i'?m|i am) afraid)"
)
_FORMAL_APOLOGY = r"(?:i apologi[sz]e|my apologies)"
_AI_SELF = (
    r"as an? (?:text-based )?(?:ai|artificial intelligence)(?: (?:language )?model| assistant| chatbot)?"
    r"(?: developed [^,.]{0,40})?\s*[,.]"
    r"|as an? (?:ai )?language model\b"
    r"|(?:i'?m|i am) (?:just |only )?an? (?:ai|artificial intelligence)(?: (?:language )?model| assistant)?"
    r"(?=\s*[,.;!]| and | so | without | with no )"
)
_CANNOT = (
    r"i (?:cannot|can ?not|can't|won't|will not|am unable to|am not able to|must decline to|am not allowed to"
    r"|am not permitted to)(?: and (?:will not|won't|cannot|can't))?|i'm (?:unable|not able|not allowed) to"
)
_REQUEST = (
    r"(?:that|this|such|these|those|it|any|anything like that|your (?:request|question|query|prompt)"
    r"|the (?:request|task|question|prompt|information|content|answer|details)|an? (?:answer|response|opinion)"
    r"|personal|real-time|specific|medical|legal|financial|professional|opinions?|information|content"
    r"|instructions|assistance|advice|images?|pictures?|explicit)\b"
)
_MEDIA = (
    r"(?:the |any |your )?(?:images?|pictures?|photos?|videos?|audio|sounds?|music|files?|attachments?"
    r"|links?|urls?|graphics|visual|diagrams?|drawings?)\b"
)
_LACKS = (  # "I don't (actually) have ...": what an assistant lacks
    r"i (?:do not|don't) (?:actually )?have (?:the ability|the capability|the capacity|access to (?:the internet"
    r"|real-time|external|current|live|your)|personal (?:opinions|feelings|experiences|preferences|beliefs)"
    r"|feelings|emotions|(?:a |any )?(?:physical|visual|real-time|personal)\b|a body|eyes|senses)"
)
_DECLINES = (  # a "can't" and what it declines, whatever comes around it
    rf"(?:{_CANNOT}) (?:"
    rf"(?:help|assist)(?: you)?(?: (?:with|on) {_REQUEST}|\s*[.!]|$)"
    rf"|(?:fulfill|fulfil|comply with|assist with|help with|help create|engage in) "
    rf"|(?:provide|generate|create|write|produce|give|offer|share|complete|perform|answer|respond to) {_REQUEST}"
    rf"|do (?:that|this)(?: for you)?\s*(?:[.!]|$)"
    r"|(?:access|browse|search) (?:the internet|the web|external|real-time|websites?|links?|urls?|the link"
    r"|current|live|databases?|documents?|your)"
    rf"|(?:see|view|display|show|draw|play|listen to|hear|watch|open|read|process|analy[sz]e|interpret"
    rf"|generate|create|produce) {_MEDIA}"
    r"|physically)"
    rf"|{_LACKS}"
)
_DECLINES_AFTER_APOLOGY = (  # once the teacher apologises, any object of a task verb will do
    rf"(?:{_CANNOT}) (?:(?:provide|generate|create|write|produce|complete|answer|help(?: you)? with|assist"
    r"|see|view|hear)(?! (?:to|back|down|up|again|home|out)\b)\b)"
)
_AFTER_FORMAL_APOLOGY = r"i (?:do not|don't|cannot|can't|am not able|am unable|am not)\b"  # issue 22
_REFUSAL_BODY = (
    rf"(?:{_AI_SELF}|{_FORMAL_APOLOGY}[,.!]?\s+(?:but\s+)?(?:as an? ai\b|{_AFTER_FORMAL_APOLOGY})"
    rf"|{_APOLOGY}[,.!]?\s+(?:but\s+)?(?:as an? ai\b|{_DECLINES}|{_DECLINES_AFTER_APOLOGY})|{_DECLINES})"
)
_OPENING = re.compile(  # the pieces spell apostrophes straight; curly ones match too
    "[\\s*_\"'\u2019>#-]*" + _REFUSAL_BODY.replace("'", "['\u2019]"), re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\s*_\"'\u2019)]+|\n+")
# A sentence that only apologises, redirects or lectures: no substance of its own.
_NO_SUBSTANCE = re.compile(
    r"[\s*_\"'>-]*(?:is there (?:anything|something)|if you (?:have|need|would like)|feel free|please"
    r"|i(?:'d|'m| would| am)? (?:be )?(?:happy|glad)|i (?:understand|hope|recommend|suggest|encourage|apologi"
    r"|can(?:not|'t)|won't|will not|am unable|do not|don't|must)|you (?:may|might|could|should|can)"
    r"|(?:i'?m|i am) (?:sorry|here to|just|only|not able|unable|an ai)|sorry|unfortunately|consider|instead"
    r"|it(?:'s| is) (?:important|best|always|recommended|advisable|not appropriate)|thank you|let me know"
    r"|as an? (?:ai|language model)|for (?:more|further|accurate)|my (?:purpose|goal) is)",
    re.IGNORECASE,
)
# A sentence that sends the user elsewhere, wherever the verb sits ("For advice on your case, you
# should consult a licensed attorney.").
_REDIRECT = re.compile(
    r"\b(?:consult|reach out|seek (?:professional|medical|legal|expert)|contact (?:a|an|the|your|local)"
    r"|talk to (?:a|an|your)|speak (?:to|with) (?:a|an|your))\b",
    re.IGNORECASE,
)
# "..., but I can explain X": a pivot that promises content, not content.
_PIVOT = re.compile(r"\b(?:but|however)\b,?\s*", re.I)
_PROMISE = re.compile(
    r"(?:i can|i could|i(?:'d| would) be (?:happy|glad)|i will|i'll|let me|here (?:is|are)|i(?:'m| am) able)\b",
    re.I,
)


def is_refusal(text: str) -> bool:
    """True if ``text`` is a teacher declining the task (see the module docstring)."""
    opening = _OPENING.match(text, 0, _OPENING_CHARS)
    if opening is None:
        return False
    return _content_words(text, opening.end()) < SUBSTANCE_WORDS


def _content_words(text: str, declined_at: int) -> int:
    """Words of substance after the declining sentence (and in its ``but`` clause)."""
    end = _SENTENCE_END.search(text, declined_at)
    first_end = end.start() if end else len(text)
    words = 0
    pivot = _PIVOT.search(text, declined_at, first_end)
    if pivot is not None and not _PROMISE.match(text, pivot.end(), first_end):
        words += len(text[pivot.end() : first_end].split())
    for sentence in _SENTENCE_END.split(text[end.end() :] if end else ""):
        if sentence.strip() and not _NO_SUBSTANCE.match(sentence) and not _REDIRECT.search(sentence):
            words += len(sentence.split())
    return words
