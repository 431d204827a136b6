# ruff: noqa: RUF001, RUF002 -- Chinese punctuation and quotation marks are what this module reads
"""Reported speech in Chinese text (state media), with exact offsets.

Chinese has no spaces or capitals, so the speaker is the run of text between the previous
punctuation mark and the reporting verb, with time words and "told our reporter" phrases taken
off; a role word (发言人, 研究员, 主任 ...) splits a title from the name after it:
    北京大学战略资源研究中心主任秦浩然对《环球时报》记者表示，...   -> 秦浩然, 北京大学...主任
    “价格由市场决定……”秦浩然说                                        -> a quotation, then the speaker
    她指出，...                                                       -> the previous named speaker
    多位中国专家……表示，...                                           -> a group
"""

from __future__ import annotations

import re

from briefing.analysis.phrases import GROUP, INSTITUTION, PERSON, Found, Speaker
from briefing.analysis.text import Span

_VERB = re.compile(
    r"(?P<verb>表示|认为|指出|强调|声称|宣称|介绍|坦言|透露|直言|警告|呼吁|说道|(?<![据是如来话就])说|称(?=[，,：:“]))"
)
_SENTENCE = re.compile(r"[^。！？\n]+(?:[。！？]+[”」』]?|$)")
_BOUNDARY = re.compile(r"[，,；;：:。！？\n”」]")
_ROLES = (
    "新闻发言人|发言人|副部长|部长|主任|副主任|研究员|副研究员|教授|副教授|院长|所长|会长|秘书长|官员|"
    "负责人|分析师|专家|学者|人士|主席|总裁|大使"
)
_ROLE_AT_END = re.compile(rf"(?:{_ROLES})$")
_LAST_ROLE = re.compile(rf"^(?P<title>.*(?:{_ROLES}))(?P<name>[^，,。]{{2,30}})$")
# Taken off the end of a speaker run: "此前", "10日", "对《环球时报》记者", "接受《环球时报》记者采访时".
_SPEAKER_TAIL = re.compile(
    r"(?:(?:此前|也|还|则|近日|日前|当天|昨天|今天|曾|再次|进一步|同时|均|都|\d+日)"
    r"|(?:对|向)(?:《[^》]{1,12}》)?记者|接受(?:《[^》]{1,12}》)?记者?采访时|在[^在，。]{1,20}(?:中|上|时))+$"
)
_SPEAKER_HEAD = re.compile(r"^(?:据了解|此外|另外|与此同时|对此|其中|【[^】]*】)+")
_GROUPS = re.compile(r"专家|学者|人士|分析师们|业内")
_PRONOUN = re.compile(r"^(?:他|她)$")
_TRIM = " \t\n，,：:。；;"


class _Chinese:
    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[Found] = []

    def run(self) -> list[Found]:
        quoted: Span | None = None  # a sentence that is all quotation, waiting for "……”秦浩然说"
        for m in _SENTENCE.finditer(self.text):
            s, e = m.start(), m.end()
            while s < e and self.text[s].isspace():
                s += 1
            if e - s > 2 and self.text[e - 1] in "。！？”」』":
                sent = Span(s, e)
                self._sentence(sent, quoted)
                whole_quote = (
                    self.text[s] == "“" and self.text[e - 1] == "”" and "“" not in self.text[s + 1 : e]
                )
                quoted = sent if whole_quote else None
        return self.found

    def _speaker(self, start: int, end: int) -> Speaker | None:
        run = self.text[start:end]
        run = _SPEAKER_TAIL.sub("", _SPEAKER_HEAD.sub("", run.strip(_TRIM)))
        if not run or len(run) > 40:
            return None
        if _PRONOUN.match(run):
            return next((f.speaker for f in reversed(self.found) if f.speaker.kind == PERSON), None)
        if _ROLE_AT_END.search(run):
            kind = GROUP if _GROUPS.search(run) else INSTITUTION
            return Speaker(run, "", kind, "", True)
        m = _LAST_ROLE.match(run)
        if m:
            return Speaker(m.group("name"), m.group("title"), PERSON, "", True)
        earlier = next((f.speaker for f in reversed(self.found) if f.speaker.name == run), None)
        if earlier is not None:
            return earlier  # "秦浩然说" after "……主任秦浩然对记者表示"
        kind = PERSON if len(run) <= 4 else INSTITUTION
        return Speaker(run, "", kind, "", True)

    def _sentence(self, sent: Span, quoted: Span | None) -> None:
        text = self.text
        for verb in _VERB.finditer(text, sent.start, sent.end):
            opened = text.count("“", sent.start, verb.start()) - text.count("”", sent.start, verb.start())
            if opened > 0:
                continue  # inside a quotation
            left = max(
                (b.end() for b in _BOUNDARY.finditer(text, sent.start, verb.start())), default=sent.start
            )
            speaker = self._speaker(left, verb.start())
            if speaker is None:
                continue
            if quoted is not None and left == sent.start:
                self._add(speaker, "direct", quoted.start + 1, quoted.end - 1, quoted)
            quote_before = text.rfind("”", sent.start, left)
            if quote_before >= 0 and quote_before == left - 1:
                # "“价格由市场决定……”秦浩然说": the quotation came first.
                opener = text.rfind("“", sent.start, quote_before)
                if opener >= 0:
                    self._add(speaker, "direct", opener + 1, quote_before, sent)
                    return
            start = verb.end()
            while start < sent.end and text[start] in _TRIM:
                start += 1
            end = sent.end
            while end > start and text[end - 1] in _TRIM + "”":
                end -= 1
            q_open, q_close = text.find("“", start, end), text.find("”", start, sent.end)
            so_called = q_open >= 2 and text[q_open - 2 : q_open] == "所谓"
            if q_open >= 0 and q_close - q_open > 8 and not so_called:
                self._add(speaker, "direct", q_open + 1, q_close, sent)
            elif end - start >= 6:
                self._add(speaker, "indirect", start, end, sent)
            return

    def _add(self, speaker: Speaker, kind: str, start: int, end: int, sent: Span) -> None:
        while end > start and self.text[end - 1] in "。！？，,":
            end -= 1
        if end > start:
            direct = kind == "direct"
            self.found.append(
                Found(speaker, "direct" if direct else "indirect", start, end, sent, sent.start)
            )


def find_statements(text: str) -> list[Found]:
    return _Chinese(text).run() if text else []
