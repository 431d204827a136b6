"""Analytic tradecraft on an assembled briefing: source weight, uncertainty flags, key judgements.

    assess(briefing, config)
      1. every statement gets its `descriptor` (sourcing.py), every story its lead report's
      2. flags on statements, stories, positions and topics (uncertainty.py)
      3. key judgements: the backend's own when it wrote any (the LLM's, checked), else computed
         from the data (judgements.py, worded by prompts/judgements.j2); the same for each
         audience's own synthesis (`Briefing.syntheses`) whose model judgements failed
      4. `Briefing.flags`: each flag with the ids it marks

It runs on the Briefing, not inside a backend, so every backend (and a stored run made before
these fields existed, when it is rendered again) gets the same treatment.
"""

from __future__ import annotations

from briefing.analysis.judgements import data_judgements
from briefing.analysis.sourcing import Sourcing
from briefing.analysis.uncertainty import flag_contrasts, flag_statements, flag_story, summary
from briefing.config import Config
from briefing.models import Briefing, Judgement, Manifest


def assess(briefing: Briefing, config: Config) -> Briefing:
    items = {i.id: i for i in briefing.items}
    sourcing = Sourcing(config)
    statements = [
        s.model_copy(update={"descriptor": sourcing.statement(s, items.get(s.item_id))})
        for s in briefing.statements
    ]
    stories = []
    for story in briefing.stories:
        said = [s for s in statements if s.story_id == story.id]
        described = story.model_copy(update={"descriptor": sourcing.story(story, items, said)})
        stories.append(described.model_copy(update={"flags": flag_story(described, items)}))
    statements = flag_statements(statements, stories, items)
    contrasts = flag_contrasts(briefing.contrasts, statements)
    assessed = briefing.model_copy(
        update={"statements": statements, "stories": stories, "contrasts": contrasts}
    )

    judgements = list(briefing.judgements)
    manifest = briefing.manifest
    if not judgements and briefing.developments:  # a run stored before key judgements existed
        judgements = [
            Judgement(
                text=d.text, kind="model", basis="model", statement_ids=d.statement_ids, story_ids=d.story_ids
            )
            for d in briefing.developments
        ]
    elif not judgements:
        judgements, hashes = data_judgements(assessed, config)
        manifest = _with_hashes(manifest, hashes)
    syntheses = briefing.syntheses
    if any(not s.judgements for s in syntheses.values()):  # an audience whose model judgements failed
        computed = [j for j in judgements if j.basis == "data"]
        if not computed:
            computed, hashes = data_judgements(assessed, config)
            manifest = _with_hashes(manifest, hashes)
        syntheses = {
            name: s if s.judgements else s.model_copy(update={"judgements": computed})
            for name, s in syntheses.items()
        }
    return assessed.model_copy(
        update={
            "judgements": judgements,
            "syntheses": syntheses,
            "manifest": manifest,
            "flags": summary(stories, statements, contrasts),
        }
    )


def _with_hashes(manifest: Manifest | None, hashes: dict[str, str]) -> Manifest | None:
    if manifest is None:
        return None
    return manifest.model_copy(update={"prompts": dict(sorted({**manifest.prompts, **hashes}.items()))})


def needs_assessment(briefing: Briefing) -> bool:
    """A briefing stored before descriptors and judgements existed (or built by hand)."""
    return not briefing.judgements or any(s.descriptor is None for s in briefing.statements)
