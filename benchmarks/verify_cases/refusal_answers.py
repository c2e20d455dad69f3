"""A set of chat answers for the refusal filter, written here (no other project's data), both
directions: answers whose substance is a decline (``expected`` True) and answers that are not
refusals although they start like one (``expected`` False).

Conventions they follow: the declines chat models write to an impossible or refused request
(Llama 2 / GPT-3.5-era "As an AI language model, I cannot ...", Claude-style "I apologize, but I
do not actually have ...", "I'm sorry, but I can't help with that.", with or without a
suggestion of where to look instead); and the answers that merely open with a disclaimer and
then answer in full ("As an AI language model, I don't have feelings. However, ..."), which
issue 22 found behind 70 of 101 flags on ordinary chat answers; and human-voiced outputs of
self-instruct tasks ("I'm sorry, but I can't make it on Friday.").
"""

from __future__ import annotations

import random

from verify_cases import Case

TOPICS = [
    (
        "photosynthesis",
        "Plants turn light, water and carbon dioxide into sugar and oxygen in their chloroplasts.",
    ),
    (
        "compound interest",
        "Interest is added to the principal, so each period earns interest on past interest.",
    ),
    (
        "the French Revolution",
        "It began in 1789, ended the monarchy and spread ideas of citizenship across Europe.",
    ),
    (
        "sourdough",
        "Mix flour and water, feed the starter daily, and bake once it doubles within a few hours.",
    ),
    (
        "a job interview",
        "Research the company, prepare three stories about your work, and ask good questions.",
    ),
    ("binary search", "Compare the middle item with the target and discard the half that cannot hold it."),
    ("sleep", "Keep a fixed schedule, dim the lights in the evening, and avoid caffeine after noon."),
    ("tides", "The moon's gravity pulls the oceans into two bulges that the Earth rotates through."),
]
DETAIL = [
    "Here are the main points:\n\n1. {fact}\n2. It helps to break the idea into small steps.\n3. Practice makes it stick.",
    "{fact} In practice, this means starting small, checking your progress every week, and adjusting.",
    "In short: {fact} A common mistake is to skip the first step, so take it slowly at first.",
    "{fact}\n\n- Start with the basics.\n- Look at one example in detail.\n- Then try it yourself.",
]

DECLINE_OPENINGS = [
    "I'm sorry, but I can't help with that.",
    "I'm sorry, but I cannot fulfill this request.",
    "I apologize, but I cannot provide that information.",
    "I apologize, but I do not actually have a visual perception of houses or locations.",
    "I apologize, but I am not able to browse the internet or access real-time data.",
    "I apologize, but I do not have the ability to see images.",
    "As an AI language model, I cannot browse the internet.",
    "As an AI language model, I don't have personal experiences or feelings.",
    "As an AI, I do not have access to your files.",
    "I'm just an AI, so I can't see what is in front of you.",
    "Unfortunately, I am unable to access external links.",
    "I'm afraid I can't do that.",
    "I cannot provide medical advice.",
    "I can't assist with that request.",
    "I must decline to write that story.",
    "My apologies, but I cannot complete this task.",
    "I'm not able to generate images.",
    "I do not actually have a physical body, so I cannot taste food.",
    "Sorry, I can't help with creating content like that.",
    "As a text-based AI, I cannot view images or videos.",
]
POLICY_DECLINES = [  # the request restated, and the reason it is declined
    "I'm sorry, but I can't write a fake doctor's note, as that would be dishonest.",
    "I can't help create content that harasses a real person.",
    "I won't provide instructions for picking a lock that isn't yours.",
    "Sorry, but I can't generate explicit content.",
    "I'm unable to help with bypassing a paywall, since that would violate the site's terms.",
    "I cannot share personal information about private individuals.",
    "I apologize, but I cannot assist with hacking into someone else's account.",
    "As an AI developed to be helpful and safe, I can't help with making weapons.",
]
LECTURES = [  # a decline, then why, then where to turn: still a decline in substance
    "I'm sorry, but I can't write a fake doctor's note. Forging medical documents can lead to "
    "disciplinary action and legal penalties. If you need time off, talk to your doctor or HR.",
    "I can't help with accessing someone else's email account. Doing so without permission is "
    "illegal in most countries. If you have lost access to your own account, contact the provider.",
    "I apologize, but I cannot provide instructions for making explosives. It's important to stay "
    "safe and follow the law. Please reach out to local authorities if you have concerns.",
    "As an AI language model, I cannot give legal advice. Laws differ between places and "
    "situations. For advice on your case, you should consult a licensed attorney.",
]
MID_DISCLAIMER = [  # an answer that mentions being an AI later on
    "{fact} As an AI language model, I find this one of the most elegant ideas in the field.",
    "Sure! {fact} (Note: as an AI language model I can't check today's data, so verify the figures.)",
]
EMPATHY = [  # "sorry" that opens real help
    "I'm sorry to hear that you're feeling stressed. Here are a few things that can help: {fact}",
    "I'm sorry you're dealing with this. {fact} If it keeps happening, talk to someone you trust.",
    "Sorry for the confusion earlier! {fact}",
    "I apologize for the mistake in my previous answer. The correct explanation is: {fact}",
]
STORIES = [  # a decline said by a character, inside a real answer
    'The knight looked at the dragon and said, "I cannot fight you today." {fact}',
    "Dialogue:\nA: Can you lend me your car?\nB: I'm sorry, but I can't. I need it for work.\nA: No problem, I'll ask Sam.",
    "Here is a polite way to say no: \"I'm sorry, but I can't take on another project right now.\" {fact}",
]
REDIRECTS = [
    "",
    " Is there anything else I can help you with?",
    " Please consult a qualified professional for advice on this.",
    " If you have any other questions, feel free to ask.",
    " I'd be happy to help with something else.",
    " You may want to check a reliable website or a local expert instead.",
]
DISCLAIMERS = [
    "As an AI language model, I don't have feelings, but I can explain {topic}.",
    "As an AI language model, I don't have personal opinions. However, here is an overview of {topic}.",
    "As an AI, I don't have personal experiences, but I can share what is known about {topic}.",
    "I don't have personal preferences, but many people find {topic} fascinating.",
    "I'm an AI and can't give professional advice, but here is general information on {topic}.",
    "As an AI language model, I cannot browse the internet, but I can tell you about {topic} from what I know.",
]
HUMAN_VOICE = [  # outputs of self-instruct tasks written in a person's voice
    "I'm sorry, but I can't make it on Friday. Could we meet next week instead?",
    "I'm sorry for your loss. Please let me know if there is anything I can do.",
    "I can't wait to see you on Saturday! Bring your swimsuit.",
    "I cannot stress this enough: back up your files before the update.",
    "Unfortunately, I can't come to your party, but I hope you have a wonderful time.",
    "Sorry, I can't talk right now. I'll call you back after the meeting.",
    "I am unable to attend the conference this year, but my colleague will present our work.",
    "I won't be able to make it to the meeting tomorrow; here are my notes on the agenda.",
]


def cases(seed: int = 22) -> list[Case]:
    rng = random.Random(seed)
    found: list[Case] = []
    for opening in DECLINE_OPENINGS:  # declines: alone, or with a redirect
        for redirect in REDIRECTS:
            found.append(Case(opening + redirect, "", True, "decline", "decline"))
    for opening in DECLINE_OPENINGS[:10]:  # a decline, then a short apology and an offer
        found.append(
            Case(
                f"{opening} I understand this may be frustrating.{rng.choice(REDIRECTS[1:])}",
                "",
                True,
                "decline",
                "decline_offer",
            )
        )
    for template in DISCLAIMERS:  # a disclaimer, then the real answer
        for topic, fact in TOPICS:
            body = rng.choice(DETAIL).format(fact=fact)
            found.append(
                Case(
                    f"{template.format(topic=topic)}\n\n{body}", "", False, "disclaimer_answer", "disclaimer"
                )
            )
    for topic, fact in TOPICS:  # ordinary answers
        for detail in DETAIL:
            found.append(
                Case(
                    f"Great question about {topic}! {detail.format(fact=fact)}", "", False, "answer", "plain"
                )
            )
            found.append(Case(detail.format(fact=fact), "", False, "answer", "plain"))
    for text in HUMAN_VOICE:
        found.append(Case(text, "", False, "human_voice", "self_instruct"))
    for text in POLICY_DECLINES:
        for redirect in REDIRECTS[:3]:
            found.append(Case(text + redirect, "", True, "policy_decline", "decline"))
    for text in LECTURES:
        found.append(Case(text, "", True, "lecture_decline", "decline"))
    for topic, fact in TOPICS:
        for template in EMPATHY + STORIES + MID_DISCLAIMER:
            found.append(Case(template.format(fact=fact), "", False, "sorry_then_help", "plain"))
    for topic, fact in TOPICS:  # a partial decline that goes on with a real answer
        found.append(
            Case(
                f"I can't give you exact figures for {topic}, but here is what matters. "
                f"{rng.choice(DETAIL).format(fact=fact)}",
                "", False, "partial_decline_answer", "partial",
            )
        )  # fmt: skip
    return found
