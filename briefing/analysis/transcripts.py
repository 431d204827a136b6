# ruff: noqa: RUF001 -- titles with typographic apostrophes on purpose
"""Q&A transcripts (press conferences, "Answer to a Journalist's Question" releases) and signed press
statements, whose paragraphs are all one person's words.

    AFP: How does China view these moves?
    Xu Hanqing: China firmly opposes forming "small circles" ...     <- an answer: Xu Hanqing's words
    The global division of labor ...                                 <- the answer goes on
    Bloomberg: Is China considering new export controls?            <- a question: nobody's statement

A paragraph opened by a named person (or a spokesperson) and a colon starts an answer, one opened
by anyone else ("AFP:", "Bloomberg:") a question. "Answer:" is the answer of whoever the title
names ("Spokesperson Tang Meiyu's Answer to a Journalist's Question", "MOFCOM Spokesperson Shen
Liwei Answers Reporters' Questions"). Only texts with two or more
such paragraphs count as transcripts.
"""

from __future__ import annotations

import re

from briefing.analysis import lexicon as lx
from briefing.analysis.phrases import OFFICIAL, PERSON, PRONOUN, Speaker, noun_phrase, speaker_from, tokens
from briefing.analysis.references import References
from briefing.analysis.text import Paragraph

_TURN = re.compile(r"(?P<who>[^:\n.!?]{1,60}?)\s*:\s+(?=\S)")
_TITLE_SPEAKER = re.compile(
    r"(?P<who>(?:[\w.-]+\s+){1,6}?[\w.-]+)(?:(?:'s|’s)\s+(?:Answer|Answers|Remarks|Comments|Statement|Regular\s+Press)"
    # "MOFCOM Spokesperson Shen Liwei Answers Reporters' Questions on ..."
    r"|\s+(?:(?:Answers|Answered|Takes|Took)\s+(?:[\w'’-]+\s+){0,2}Questions?|Responds\s+to|Responded\s+to|"
    r"Comments\s+on|Commented\s+on)\b)"
)

_CONFERENCE_BY = re.compile(
    r"(?:Press\s+Conference|Press\s+Briefing|Remarks|Interview|Doorstep)\s+(?:by|of|with)\s+"
    r"(?P<who>(?:[\w.,'’-]+\s+){0,10}?[\w.'’-]+?)(?=\s*(?:\(|$|\s+on\s|\s+at\s|:))"
)
_CAPITAL_SURNAME = re.compile(r"\b([A-Z]{2,})(\s+([A-Z][a-z]+))\b")


def _surname_cased(m: re.Match[str]) -> str:
    """A family name in capitals before a given name, in Japanese style; not "MOFCOM Spokesperson"."""
    given = m.group(3).lower()
    if given in lx.ROLE_WORDS or given in lx.HEADS or given in lx.ORG_WORDS:
        return m.group(0)
    return m.group(1).title() + m.group(2)


def transcript_turns(
    text: str, title: str, paragraphs: list[Paragraph], references: References
) -> dict[int, tuple[Speaker | None, int]]:
    """Paragraph number -> (who answers, or None for a question; where the words start), or {}."""
    turns: dict[int, tuple[Speaker | None, int]] = {}
    for n, para in enumerate(paragraphs):
        m = _TURN.match(text, para.start, para.end)
        if para.heading or m is None:
            continue
        label = m.group("who").strip().lower()
        if label in ("question", "q", "answer", "a"):
            turns[n] = (_answerer(title) if label in ("answer", "a") else None, m.end())
            continue
        toks = tokens(text, m.start("who"), m.end("who"))
        phrase = noun_phrase(toks)
        if phrase is None or phrase.kind == PRONOUN:
            continue
        speaker: Speaker | None = speaker_from(text, toks, phrase)
        if speaker is not None and speaker.kind == PERSON and len(speaker.name.split()) < 2:
            speaker = references.resolve(speaker, para.start)  # "Xu:" after "Xu Hanqing:"
        if speaker is not None and speaker.kind == PERSON and not speaker.title:
            # "Pan Jiarui:" in "Foreign Ministry Spokesperson Pan Jiarui's Regular Press Conference"
            titled = _answerer(title)
            if titled.name == speaker.name:
                speaker = titled
        named = speaker is not None and speaker.kind == PERSON and len(speaker.name.split()) >= 2
        official = speaker is not None and speaker.kind == OFFICIAL and not speaker.proper
        asking = text[para.start : para.end].rstrip().endswith("?")
        turns[n] = (speaker if (named or official) and not asking else None, m.end())
    return turns if len(turns) >= 2 else {}


def _answerer(title: str) -> Speaker:
    """Who answers in a Q&A release: the person its title names ("Press Conference by Minister ...
    ONODA Takeshi"), else the office it names ("MOFCOM Spokesperson"), else an unnamed spokesperson."""
    title = _CAPITAL_SURNAME.sub(_surname_cased, title)  # "ONODA Takeshi" -> "Onoda Takeshi"
    m = _TITLE_SPEAKER.search(title) or _CONFERENCE_BY.search(title)
    if m:
        toks = tokens(title, m.start("who"), m.end("who"))
        phrase = noun_phrase(toks)
        if phrase is not None and phrase.kind == PERSON:
            return speaker_from(title, toks, phrase)
        if phrase is not None and phrase.kind == OFFICIAL and phrase.proper:
            return speaker_from(title, toks, phrase)
    return Speaker("the spokesperson", "", OFFICIAL, "spokesperson", False)


_STATEMENT_HEAD = re.compile(
    r"(?:Press\s+Statement|Statement|Joint\s+Statement\s+by|Statement\s+by)\s*$", re.IGNORECASE
)


def signed_statement(text: str, paragraphs: list[Paragraph]) -> tuple[Speaker, int] | None:
    """A signed press statement ("Press Statement / Evelyn Strand, Under Secretary for ... / November
    3, 2026 / paragraphs"): its signer, and the number of its first paragraph of text. Its paragraphs
    are the signer's words, as a transcript's answers are the answerer's."""
    for n, para in enumerate(paragraphs[:4]):
        if not (para.heading and _STATEMENT_HEAD.fullmatch(text, para.start, para.end)):
            continue
        signer = paragraphs[n + 1] if n + 1 < len(paragraphs) else None
        if signer is None or not signer.heading:
            return None
        line = text[signer.start : signer.end]
        name, _, title = line.partition(",")
        toks = tokens(text, signer.start, signer.start + len(name))
        phrase = noun_phrase(toks)
        if phrase is None or phrase.kind != PERSON or not title.strip():
            return None
        speaker = speaker_from(text, toks, phrase)
        speaker = Speaker(speaker.name, title.strip(), PERSON, "", True, gender=speaker.gender)
        first = next((k for k in range(n + 2, len(paragraphs)) if not paragraphs[k].heading), None)
        return (speaker, first) if first is not None else None
    return None
