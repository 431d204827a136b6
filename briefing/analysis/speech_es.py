# ruff: noqa: RUF001 -- names and quotations with typographic apostrophes and marks on purpose
"""Reported speech in Spanish text (Mexican government releases and press), with exact offsets.

Smaller than the English grammar, for the forms these texts use:
    Alejandra Ruiz Cortés, titular de la Unidad ..., afirmó que México "tiene la geología ...".
    Señaló que el país buscará ...                  (no subject: the previous speaker)
    La funcionaria explicó que ...                  (a role: the previous named speaker)
    "México tiene la geología ...", declaró NAME, titular de ...
    "No se trata de encarecer ...", afirmó.         (no subject: the previous speaker)
    Según la funcionaria, ...
    La Secretaría de Economía informó que ...
"""

from __future__ import annotations

import re

from briefing.analysis.lexicon import words
from briefing.analysis.phrases import (
    GROUP,
    INSTITUTION,
    OFFICIAL,
    PERSON,
    Found,
    Speaker,
    noun_phrase,
    tokens,
)
from briefing.analysis.text import UPPER, Quotation, Span, paragraphs, spelled_out

_VERBS = (
    "dijo afirmó señaló indicó agregó añadió explicó aseguró subrayó destacó precisó sostuvo advirtió "
    "declaró comentó expresó manifestó reiteró enfatizó apuntó consideró opinó recordó informó expuso "
    "planteó puntualizó detalló insistió aclaró"
)
_VERB = "|".join(sorted(_VERBS.split(), key=len, reverse=True))
_NAME = rf"[{UPPER}][\w'’.-]*(?:\s+(?:de\s+(?:la\s+|los\s+)?|del\s+|y\s+)?[{UPPER}][\w'’.-]*){{0,6}}"
_DET = r"(?:[Ee]l|[Ll]a|[Ll]os|[Ll]as)\s+"
_ROLE = words(
    "funcionaria funcionario titular secretario secretaria subsecretario subsecretaria director directora "
    "vocero vocera portavoz ministro ministra presidente presidenta representante jefe jefa coordinador "
    "coordinadora analista investigador investigadora especialista experto experta"
)
# "afirmó que", "señaló, en conferencia de prensa, que": the verb, then what was said.
_CLAUSE_VERB = re.compile(
    rf"(?<![\w-])(?P<verb>{_VERB})(?:\s+(?:también|además))?(?:,[^,]{{1,60}},)?\s+que\s+"
)
_OPENING_VERB = re.compile(
    rf"(?:(?:También|Además|Asimismo)\s+)?(?P<verb>{_VERB.title()})\s+que\s+", re.UNICODE
)
_AFTER_QUOTE = re.compile(rf"\s*,?\s*(?P<verb>{_VERB})(?P<rest>[^.;]*)")
_SEGUN = re.compile(r"(?<![\w-])[Ss]egún\s+(?P<who>[^,]{2,80}),\s*")
_SOURCE_NOTE = re.compile(r",\s*según\s+(?:informó|indicó|señaló|precisó)\s+[^,.;]{2,60}$")
_LEADIN = re.compile(
    r"(?:Por\s+su\s+parte|Asimismo|Además|Al\s+respecto|En\s+ese\s+sentido|Durante\s+[^,]{1,60}),\s*"
)
_NAMED = re.compile(rf"(?:{_DET})?{_NAME}(?:\s*\([^)]*\))?")
_ROLE_ONLY = re.compile(rf"(?:{_DET})?(?:{'|'.join(sorted(_ROLE))})", re.IGNORECASE)
_TRIM = " \t\n,;:."


class _Spanish:
    def __init__(self, text: str, title: str) -> None:
        self.text = text
        self.paragraphs = paragraphs(text, title)
        self.found: list[Found] = []

    def run(self) -> list[Found]:
        for para in self.paragraphs:
            if para.heading:
                continue
            for sent in para.sentences:
                quotes = [q for q in para.quotes if sent.start <= q.open < sent.end]
                found = self._sentence(sent, quotes)
                if found is not None:
                    self.found.append(found)
        return self.found

    def _last_person(self) -> Speaker | None:
        return next((f.speaker for f in reversed(self.found) if f.speaker.kind == PERSON), None)

    def _speaker(self, start: int, end: int) -> Speaker | None:
        """A subject phrase: a name with its description, an institution, or a role referring back."""
        text = self.text
        segment = re.split(r"[;:]", text[start:end])[-1].strip(_TRIM)  # the clause of the verb
        lead = _LEADIN.match(segment)
        if lead:
            segment = segment[lead.end() :]
        parts = [p.strip() for p in segment.split(",") if p.strip()]
        if not parts or len(parts) > 3:
            return None
        if _ROLE_ONLY.fullmatch(parts[0]) and len(parts) == 1:
            return self._last_person()  # "La funcionaria explicó": the official named before
        name, title = parts[0], ", ".join(parts[1:])
        if len(parts) == 2 and _NAMED.fullmatch(parts[1]) and not _NAMED.fullmatch(parts[0]):
            name, title = parts[1], parts[0]  # "el representante ..., Dana Kessler,"
        if not _NAMED.fullmatch(name):
            return None
        start_of_name = text.find(name, start)
        toks = tokens(text, start_of_name, start_of_name + len(name))
        phrase = noun_phrase(toks)
        kind = phrase.kind if phrase is not None else INSTITUTION
        if re.match(_DET, name):
            kind = INSTITUTION if kind not in (GROUP, OFFICIAL) else kind
        speaker = Speaker(name, title, kind, "", True)
        if kind == PERSON:
            speaker = self._known(speaker)
        elif re.fullmatch(rf"(?:{_DET})?[A-Z]{{2,8}}", name):
            speaker = Speaker(
                name, title, kind, "", True, spelled_out(text, name.split()[-1], start)
            )  # "la SE"
        return speaker

    def _known(self, speaker: Speaker) -> Speaker:
        """ "Ruiz Cortés" after "Alejandra Ruiz Cortés": the same person, with the title given then."""
        for f in reversed(self.found):
            earlier = f.speaker
            if (
                earlier.kind == PERSON
                and earlier.name != speaker.name
                and earlier.name.endswith(" " + speaker.name)
            ):
                return earlier
            if earlier.name == speaker.name and earlier.title and not speaker.title:
                return earlier
        return speaker

    def _sentence(self, sent: Span, quotes: list[Quotation]) -> Found | None:
        text = self.text
        body_end = sent.end
        note = _SOURCE_NOTE.search(text, sent.start, body_end - 1)
        if note:
            body_end = note.start()  # ", según informó la SE": the source of the release, not a speaker
        real = [q for q in quotes if len(text[q.start : q.end].split()) >= 2]
        # "..." , declaró NAME, titular de ...  /  "...", afirmó.
        for q in real:
            if q.open == sent.start or text[sent.start : q.open].strip() == "":
                m = _AFTER_QUOTE.match(text, q.close, sent.end)
                if m:
                    rest = m.group("rest").strip(_TRIM)
                    speaker = self._speaker(m.start("rest"), m.end("rest")) if rest else self._last_person()
                    if speaker is not None:
                        return self._direct(speaker, q, sent)
        opening = _OPENING_VERB.match(text, sent.start, body_end)
        if opening:
            speaker = self._last_person()
            if speaker is None:
                return None
            return self._content(speaker, opening.end(), body_end, quotes, sent)
        segun = _SEGUN.match(text, sent.start, body_end)
        if segun:
            speaker = self._speaker(segun.start("who"), segun.end("who"))
            if speaker is not None:
                return self._content(speaker, segun.end(), body_end, quotes, sent)
        clause = _CLAUSE_VERB.search(text, sent.start, body_end)
        if clause and not any(q.open <= clause.start() < q.close for q in quotes):
            speaker = self._speaker(sent.start, clause.start())
            if speaker is not None:
                return self._content(speaker, clause.end(), body_end, quotes, sent)
        return None

    def _direct(self, speaker: Speaker, q: Quotation, sent: Span) -> Found:
        end = q.end
        while end > q.start + 1 and self.text[end - 1] in ", ":
            end -= 1
        return Found(speaker, "direct", q.start, end, sent, sent.start)

    def _content(
        self, speaker: Speaker, start: int, end: int, quotes: list[Quotation], sent: Span
    ) -> Found | None:
        inside = [
            q
            for q in quotes
            if start <= q.open and q.close <= end + 1 and len(self.text[q.start : q.end].split()) >= 2
        ]
        if inside:
            return self._direct(speaker, max(inside, key=lambda q: q.end - q.start), sent)
        while end > start and self.text[end - 1] in _TRIM:
            end -= 1
        if len(self.text[start:end].split()) < 3:
            return None
        return Found(speaker, "indirect", start, end, sent, sent.start)


def find_statements(text: str, title: str = "") -> list[Found]:
    return _Spanish(text, title).run() if text else []
