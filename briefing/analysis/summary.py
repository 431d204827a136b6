"""Extractive story summaries: the best few sentences of the story's main text, in reading order.

A sentence scores for its position (the lede first), its density of configured topic terms and
whether someone is quoted in it. When several sides are quoted in the story, the summary keeps at
least one sentence quoting each side, so no side disappears from the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.analysis.terms import TermIndex

# "AFP: ", "Xu Hanqing: ", "Answer: ": who speaks in a transcript, not part of what happened.
_TURN_LABEL = re.compile(r"^(?:[A-Z][\w.'\u2019-]*\s?){1,4}:\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class Sentence:
    item: int  # index of the item in the story
    position: int  # index of the sentence in its item
    text: str


def _score(sentence: Sentence, relevance: TermIndex, quoted: set[tuple[int, int]]) -> float:
    words = len(sentence.text.split())
    position = 1.5 if sentence.position == 0 else 1.0 / (1.0 + 0.3 * sentence.position)
    density = min(10.0 * relevance.hits(sentence.text) / max(words, 1), 1.5)
    score = position + density + (0.5 if (sentence.item, sentence.position) in quoted else 0.0)
    if words < 6 and not _CJK.search(sentence.text):
        score -= 1.0
    elif words > 60:
        score -= 0.5
    if sentence.text.endswith(("?", "\uff1f")):
        score -= 1.0  # a question (a reporter's, in a transcript) summarises nothing
    return score


def summarise(
    candidates: list[Sentence],
    by_side: dict[str, list[Sentence]],
    count: int,
    relevance: TermIndex,
) -> str:
    """Pick `count` sentences (more when more sides must be covered) and join them in reading order.

    `candidates` are the main text's sentences; `by_side` lists, per side in config order, the
    sentences where that side is quoted (they may come from other copies of the story).
    """
    quoted = {_key(s) for side_sentences in by_side.values() for s in side_sentences}
    scores = {_key(s): _score(s, relevance, quoted) for s in candidates}
    for side_sentences in by_side.values():
        for s in side_sentences:
            scores.setdefault(_key(s), _score(s, relevance, quoted))
    ranked = sorted(candidates, key=lambda s: (-scores[_key(s)], s.item, s.position))
    chosen = ranked[:count]
    for side, side_sentences in by_side.items():
        if not side_sentences or any(s in side_sentences for s in chosen):
            continue
        best = max(side_sentences, key=lambda s: (scores[_key(s)], -s.item, -s.position))
        if len(chosen) < max(count, len(by_side)):
            chosen.append(best)
            continue
        # Give up the weakest sentence that is not the only one quoting another side.
        needed = set()
        for other, others in by_side.items():
            covering = [s for s in chosen if s in others]
            if other != side and len(covering) == 1:
                needed.add(_key(covering[0]))
        replaceable = [s for s in chosen if _key(s) not in needed]
        if not replaceable:
            chosen.append(best)
            continue
        weakest = min(replaceable, key=lambda s: (scores[_key(s)], -s.item, -s.position))
        chosen[chosen.index(weakest)] = best
    ordered = sorted(set(chosen), key=_key)
    return " ".join(_TURN_LABEL.sub("", s.text) for s in ordered)


def _key(sentence: Sentence) -> tuple[int, int]:
    return sentence.item, sentence.position
