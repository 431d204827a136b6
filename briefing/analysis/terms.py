"""Counting configured terms (topics, taxonomy classes, minerals) in text, with one regex per index."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from briefing.config import Config

_SEPARATOR = re.compile(r"[\s-]+")


def _key(term: str) -> str:
    return _SEPARATOR.sub(" ", term.strip().lower())


class TermIndex:
    """Which groups' terms occur in a text, and how often.

    Matching is case-insensitive on whole words, treats spaces and hyphens alike ("rare-earth" is
    "rare earth") and accepts a plural ending ("price floors" counts for "price floor").
    """

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        self.order = list(groups)
        self._groups_of: dict[str, list[str]] = {}
        for group, terms in groups.items():
            for term in terms:
                key = _key(term)
                if key and group not in self._groups_of.setdefault(key, []):
                    self._groups_of[key].append(group)
        alternatives = sorted(self._groups_of, key=lambda k: (-len(k), k))
        self._regex: re.Pattern[str] | None = None
        if alternatives:
            body = "|".join(r"[\s-]+".join(re.escape(w) for w in k.split(" ")) for k in alternatives)
            self._regex = re.compile(rf"(?<!\w)(?:{body})(?:e?s)?(?!\w)", re.IGNORECASE)

    def _groups(self, matched: str) -> list[str]:
        key = _key(matched)
        for candidate in (key, key[:-1], key[:-2]):
            if candidate in self._groups_of:
                return self._groups_of[candidate]
        return []

    def counts(self, text: str) -> dict[str, int]:
        """group -> number of term hits, for groups with at least one hit."""
        out: dict[str, int] = {}
        if self._regex is None or not text:
            return out
        for m in self._regex.finditer(text):
            for group in self._groups(m.group(0)):
                out[group] = out.get(group, 0) + 1
        return out

    def hits(self, text: str) -> int:
        return sum(self.counts(text).values())

    def present(self, text: str) -> list[str]:
        """Groups with at least one hit, in configured order."""
        counts = self.counts(text)
        return [g for g in self.order if g in counts]

    def best(self, text: str) -> str | None:
        """The group with the most hits; ties go to the group configured first."""
        counts = self.counts(text)
        if not counts:
            return None
        return max(self.order, key=lambda g: (counts.get(g, 0), -self.order.index(g)))


def topic_index(config: Config) -> TermIndex:
    return TermIndex({t.id: t.terms for t in config.topics.taxonomy})


def mineral_index(config: Config) -> TermIndex:
    return TermIndex(config.topics.minerals)


def relevance_index(config: Config) -> TermIndex:
    """Every configured term in one group, for scoring how on-topic a sentence is."""
    terms = list(config.topics.terms)
    for topic in config.topics.taxonomy:
        terms += topic.terms
    for mineral_terms in config.topics.minerals.values():
        terms += mineral_terms
    return TermIndex({"all": terms})
