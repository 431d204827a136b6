"""The LLM backend: any OpenAI-compatible Chat Completions endpoint, grounded, cached, cost-capped.

    stories ──> one request per story (prompts/system.j2 + story.j2; item text as <material> data)
            ──> StoryReply, validated (llm_schema) ──> grounding.Grounder: statements and summary
                sentences that fail a check are dropped and counted
    failed, over budget or past the deadline ──> the offline backend, stories labelled
    checked statements ──> build_contrasts ──> one synthesis request per audience of the run
                (synthesis.j2 with the audience's tone/<name>.j2, else tone/default.j2): key
                developments, a sentence per contrast and the key judgements, grounded against the
                statements they cite (a judgement citing an unknown statement or story is dropped);
                each audience's in `Analysis.syntheses`, the first audience's also the shared ones

Every request is looked up in the store's `llm_cache` first (llm_cache.py); a reply that cannot be
used (cut off, not JSON, off-schema, a refusal, empty) gets one repair request, then the story goes
to the offline backend. The store is opened here on its own connection (SQLite in WAL mode), so the
backend protocol stays `analyse(stories, items, config)`. Requests run on a small thread pool; the
cache and the grounding run on the calling thread.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.analysis import build_contrasts, get_backend, llm_cache, register, sourcing
from briefing.analysis.grounding import Grounder
from briefing.analysis.llm_client import CallFailed, CallUsage, Client, Endpoint, Ledger, Reply, clean_content
from briefing.analysis.llm_client import estimate_tokens as estimate
from briefing.analysis.llm_schema import StoryReply, SynthesisReply, json_schema
from briefing.analysis.prompting import Prompts, blanked, material
from briefing.config import DEFAULT_PRICES, Audience, Config, OpenAISettings
from briefing.models import (
    Analysis,
    AudienceSynthesis,
    Contrast,
    Development,
    Item,
    Judgement,
    Statement,
    Story,
    Usage,
)
from briefing.store import Store

MAX_STATEMENTS = 8
MAX_DEVELOPMENTS = 6
MAX_JUDGEMENTS = 5
SYNTHESIS_PER_SIDE = 4  # statements per side and topic shown to the synthesis request


@dataclass
class Job:
    name: str  # the schema name: story_analysis or synthesis
    reply_type: type[BaseModel]
    messages: list[dict[str, str]]
    schema: dict[str, Any]
    cap: int  # the completion token cap
    story: Story | None = None
    key: str = ""

    @property
    def estimate(self) -> int:
        """Tokens to reserve: the prompt (with the schema it may carry) plus the completion cap."""
        return self.cap + sum(estimate(m["content"]) for m in self.messages) + estimate(str(self.schema))


@dataclass
class Outcome:
    reply: BaseModel | None = None
    error: str | None = None
    fatal: bool = False
    usage: list[CallUsage] = field(default_factory=list)


def _attr(value: object) -> str:
    return " ".join(str(value or "").replace('"', "'").replace("<", "\u2039").split())


class _Run:
    def __init__(self, config: Config, items: dict[str, Item], store: Store) -> None:
        self.config = config
        self.settings: OpenAISettings = config.analysis.openai
        self.items = items
        self.db = store.db
        self.prompts = Prompts(config)
        self.grounder = Grounder(config, items)
        self.ledger = Ledger(self.settings.token_budget)
        self.client = Client(self.settings, deadline=time.monotonic() + self.settings.run_deadline)
        self.cached = 0
        self.stopped: str | None = None  # why no further request is sent: budget, deadline, endpoint
        self.notes: list[str] = []

    def close(self) -> None:
        self.client.close()

    # -- requests ----------------------------------------------------------------------------

    def _key(self, job: Job) -> str:
        s = self.settings
        request = {
            "messages": job.messages,
            "schema": job.schema,
            "format": s.response_format,
            "max_output_tokens": s.max_output_tokens,
            "temperature": s.temperature,
        }
        return llm_cache.key(s.model, self.prompts.digest(), request)

    def _from_cache(self, job: Job) -> BaseModel | None:
        job.key = self._key(job)
        raw = llm_cache.get(self.db, job.key)
        if raw is None:
            return None
        try:
            reply = job.reply_type.model_validate_json(raw)
        except ValidationError:
            return None  # written by another version of the schema: ask again
        self.cached += 1
        return reply

    def _parse(self, job: Job, reply: Reply) -> BaseModel | str:
        """The validated reply, or what was wrong with it."""
        if reply.refusal:
            return f"the model refused ({' '.join(reply.refusal.split())[:120]})"
        if reply.finish_reason == "length":
            return "the reply was cut off at the output token limit"
        content = clean_content(reply.content)
        if not content:
            return "the reply was empty"
        try:
            parsed = job.reply_type.model_validate_json(content)
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "json_invalid":
                return "the reply was not JSON"
            where = ".".join(str(p) for p in first["loc"])
            return f"the reply did not follow the schema ({where}: {first['msg']})"
        if isinstance(parsed, StoryReply) and job.story is not None and parsed.story_id != job.story.id:
            return f"the reply is about story {parsed.story_id!r}, not {job.story.id!r}"
        return parsed

    def _run_job(self, job: Job, reserved: bool = True) -> Outcome:
        """The request and at most one repair. Runs on a worker thread: no database access here."""
        outcome = Outcome()
        messages = job.messages
        problem = ""
        for attempt in range(2):
            if (attempt or not reserved) and not self.ledger.reserve(job.estimate):
                outcome.error = f"{problem}; no token budget left to ask again" if problem else "token budget"
                return outcome
            try:
                reply = self.client.complete(messages, job.name, job.schema)
            except CallFailed as exc:
                self.ledger.charge_failed(job.estimate, exc.billed)
                outcome.error, outcome.fatal = str(exc), exc.fatal
                return outcome
            self.ledger.settle(job.estimate, reply.usage)
            outcome.usage.append(reply.usage)
            parsed = self._parse(job, reply)
            if not isinstance(parsed, str):
                outcome.reply = parsed
                return outcome
            problem = parsed
            repair = self.prompts.render("repair.j2", problem=problem)
            messages = [*job.messages, {"role": "user", "content": repair}]
        outcome.error = f"{problem} (also after one repair request)"
        return outcome

    def _store(self, job: Job, outcome: Outcome) -> None:
        if outcome.reply is None:
            return
        usage = {
            "prompt_tokens": sum(u.prompt for u in outcome.usage),
            "completion_tokens": sum(u.completion for u in outcome.usage),
            "cached_tokens": sum(u.cached for u in outcome.usage),
            "requests": len(outcome.usage),
        }
        llm_cache.put(self.db, job.key, self.settings.model, outcome.reply.model_dump_json(), usage)

    def _dispatch(self, jobs: list[Job]) -> tuple[dict[str, Outcome], list[Job]]:
        """Outcomes by story id; the jobs never sent (budget, deadline or a failed endpoint)."""
        queue = deque(jobs)
        running: dict[Future[Outcome], Job] = {}
        outcomes: dict[str, Outcome] = {}
        with ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix="llm") as pool:
            while queue or running:
                while queue and len(running) < self.settings.concurrency and self.stopped is None:
                    if self.client.remaining() <= 0:
                        self.stopped = "deadline"
                    elif not self.ledger.reserve(queue[0].estimate):
                        self.stopped = "budget"
                    else:
                        job = queue.popleft()
                        running[pool.submit(self._run_job, job)] = job
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    outcome = future.result()
                    if outcome.fatal and self.stopped is None:
                        self.stopped = f"endpoint: {outcome.error}"
                    self._store(job, outcome)
                    assert job.story is not None
                    outcomes[job.story.id] = outcome
        return outcomes, list(queue)

    # -- the run -----------------------------------------------------------------------------

    def _story_job(self, story: Story) -> Job:
        materials = []
        seen: set[str] = set()
        for item_id in story.item_ids:
            item = self.items.get(item_id)
            if item is None:
                continue
            body = " ".join((item.text or item.summary).split())
            if body in seen:  # a syndicated copy: its text adds nothing
                continue
            seen.add(body)
            materials.append(material(item, self.settings.max_item_chars, self.grounder.flagged(item)))
        user = self.prompts.render(
            "story.j2", story=story, materials=materials, max_statements=MAX_STATEMENTS
        )
        return Job(
            name="story_analysis",
            reply_type=StoryReply,
            messages=[{"role": "system", "content": self._system}, {"role": "user", "content": user}],
            schema=self._story_schema,
            story=story,
            cap=self.settings.max_output_tokens,
        )

    def analyse(self, stories: list[Story]) -> Analysis:
        self._story_schema = json_schema(StoryReply)
        self._system = self.prompts.render(
            "system.j2",
            title=_attr(self.config.title),
            sides=self.config.side_names(),
            actors=[
                {"name": a.name, "side": a.side, "organization": a.organization} for a in self.config.actors
            ],
            topics={t.id: t.label for t in self.config.topics.taxonomy},
            minerals=list(self.config.topics.minerals),
        )
        jobs = [self._story_job(story) for story in stories]
        replies: dict[str, StoryReply] = {}
        pending = []
        for job in jobs:
            hit = self._from_cache(job)
            if isinstance(hit, StoryReply):
                replies[job.story.id] = hit  # type: ignore[union-attr]
            else:
                pending.append(job)
        outcomes, unsent = self._dispatch(pending)

        failed: dict[str, str] = {}
        for story_id, outcome in outcomes.items():
            if isinstance(outcome.reply, StoryReply):
                replies[story_id] = outcome.reply
            else:
                failed[story_id] = f"model reply unusable: {outcome.error}; analysed offline"
        over_budget = []
        for job in unsent:
            assert job.story is not None
            if self.stopped == "budget":
                over_budget.append(job.story.id)
            else:
                reason = "run deadline reached" if self.stopped == "deadline" else str(self.stopped)
                failed[job.story.id] = f"not sent to the model ({reason}); analysed offline"

        summaries: dict[str, str] = {}
        statements: list[Statement] = []
        seen: set[str] = set()
        need_summary: list[Story] = []
        for story in stories:
            reply = replies.get(story.id)
            if reply is None:
                continue
            for st in reply.statements[:MAX_STATEMENTS]:
                checked = self.grounder.statement(story, st)
                if checked is None:
                    continue
                if checked.id in seen:
                    self.grounder.drop("duplicate")
                    continue
                seen.add(checked.id)
                statements.append(checked)
            summary = self.grounder.summary(story, reply.summary)
            if summary:
                summaries[story.id] = summary
            else:
                need_summary.append(story)

        fallback = [s for s in stories if s.id in failed or s.id in over_budget]
        self._offline(fallback, need_summary, summaries, statements, failed)
        contrasts = build_contrasts(statements, self.config)
        self.story_ids = {s.id for s in stories}
        syntheses = self._syntheses(statements, contrasts)
        first = next(iter(syntheses.values()), AudienceSynthesis())
        contrasts = [
            c.model_copy(update={"summary": first.contrasts[c.topic]}) if c.topic in first.contrasts else c
            for c in contrasts
        ]
        self._notes(stories, failed, over_budget, need_summary)
        return Analysis(
            summaries=summaries,
            statements=statements,
            contrasts=contrasts,
            developments=first.developments,
            judgements=first.judgements,
            syntheses=syntheses if self.config.audiences else {},
            failed_stories=failed,
            fallback_stories=[s.id for s in fallback],
            dropped=dict(sorted(self.grounder.dropped.items())),
            usage=self._usage(),
            prompts=dict(sorted(self.prompts.hashes.items())),
            notes=self.notes,
            model=self.settings.model,
        )

    def _offline(
        self,
        fallback: list[Story],
        need_summary: list[Story],
        summaries: dict[str, str],
        statements: list[Statement],
        failed: dict[str, str],
    ) -> None:
        """Stories the model did not analyse, and summaries none of whose sentences held, offline."""
        stories = fallback + need_summary
        if not stories:
            return
        # Sentences addressed to AI systems are blanked (offsets kept) so no summary can pick them.
        items = {
            i: blanked(self.items[i], self.grounder.flagged(self.items[i]))
            for story in stories
            for i in story.item_ids
            if i in self.items
        }
        offline = get_backend("offline").analyse(stories, items, self.config)
        whole = {s.id for s in fallback}
        summaries.update({sid: text for sid, text in offline.summaries.items() if text})
        statements.extend(st for st in offline.statements if st.story_id in whole)
        for story_id, reason in offline.failed_stories.items():
            failed[story_id] = (
                f"{failed.get(story_id, 'offline analysis')}; offline analysis failed too: {reason}"
            )

    def _syntheses(
        self, statements: list[Statement], contrasts: list[Contrast]
    ) -> dict[str, AudienceSynthesis]:
        """One synthesis per audience of the run, in its tone; none when there is nothing to write."""
        if not self.settings.synthesis or not contrasts or (self.stopped or "").startswith("endpoint"):
            return {}
        audiences: list[Audience | None] = [*self.config.audiences] or [None]
        return {
            audience.name if audience else "": self._synthesis(
                statements, contrasts, audience, len(audiences) > 1
            )
            for audience in audiences
        }

    def _tone(self, audience: Audience | None) -> str:
        if audience is None:
            return ""
        name = f"tone/{audience.name}.j2"
        return self.prompts.render(
            name if self.prompts.exists(name) else "tone/default.j2", audience=audience
        )

    def _synthesis(
        self, statements: list[Statement], contrasts: list[Contrast], audience: Audience | None, named: bool
    ) -> AudienceSynthesis:
        """Developments, contrast sentences (the computed ones where the model's fail) and judgements
        (none when the model's fail: the data's are used) for one audience."""
        label = f"For the {audience.name} briefing: " if audience is not None and named else ""
        failed = AudienceSynthesis(contrasts={c.topic: c.summary for c in contrasts})
        by_id = {s.id: s for s in statements}
        source = {
            s.id: sourcing.label(s.descriptor) for s in sourcing.describe(statements, self.items, self.config)
        }
        chosen: list[str] = []
        for contrast in contrasts:
            for position in contrast.positions:
                chosen += [i for i in position.statement_ids[:SYNTHESIS_PER_SIDE] if i not in chosen]
        shown = [by_id[i] for i in chosen if i in by_id]
        user = self.prompts.render(
            "synthesis.j2",
            statements=[
                {
                    "id": s.id,
                    "story": s.story_id,
                    "side": _attr(s.side),
                    "speaker": _attr(s.speaker),
                    "actor": _attr(s.actor),
                    "topic": _attr(s.topic),
                    "source": source.get(s.id, ""),
                    "quote": _attr(s.quote),
                    "translation": _attr(s.translation),
                }
                for s in shown
            ],
            topics={t.id: t.label for t in self.config.topics.taxonomy},
            contrasts=contrasts,
            max_developments=MAX_DEVELOPMENTS,
            max_judgements=MAX_JUDGEMENTS,
            tone=self._tone(audience).strip(),
        )
        job = Job(
            name="synthesis",
            reply_type=SynthesisReply,
            messages=[{"role": "system", "content": self._system}, {"role": "user", "content": user}],
            schema=json_schema(SynthesisReply),
            cap=self.settings.max_output_tokens,
        )
        reply = self._from_cache(job)
        if reply is None:
            if self.stopped is not None or self.client.remaining() <= 0:
                self.notes.append(
                    f"{label}Key developments were not written: the model was no longer called."
                )
                return failed
            outcome = self._run_job(job, reserved=False)
            self._store(job, outcome)
            reply = outcome.reply
            if reply is None:
                self.notes.append(f"{label}Key developments were not written: {outcome.error}.")
                return failed
        assert isinstance(reply, SynthesisReply)
        allowed = set(chosen)
        developments = []
        for d in reply.developments[:MAX_DEVELOPMENTS]:
            problem = self._cited(d.text, d.statement_ids, by_id, allowed)
            if problem:
                self.grounder.drop(f"synthesis:{problem}")
                continue
            stories = list(dict.fromkeys(by_id[i].story_id for i in d.statement_ids))
            developments.append(
                Development(text=" ".join(d.text.split()), statement_ids=d.statement_ids, story_ids=stories)
            )
        by_topic = {c.topic: c for c in contrasts}
        summaries = dict(failed.contrasts)
        for c in reply.contrasts:
            if c.topic not in by_topic:
                self.grounder.drop("synthesis:unknown_topic")
                continue
            contrast = by_topic[c.topic]
            ids = {i for p in contrast.positions for i in p.statement_ids}
            problem = self._cited(c.summary, c.statement_ids, by_id, ids & allowed)
            if problem:
                self.grounder.drop(f"synthesis:{problem}")
                continue
            summaries[c.topic] = " ".join(c.summary.split())
        judgements = self._judgements(reply, by_id, allowed, label)
        return AudienceSynthesis(developments=developments, judgements=judgements, contrasts=summaries)

    def _judgements(
        self, reply: SynthesisReply, by_id: dict[str, Statement], allowed: set[str], label: str = ""
    ) -> list[Judgement]:
        """The model's key judgements whose every cited statement and story exists and was shown to
        it, and whose words its statements support; the rest are dropped and counted."""
        kept = []
        for j in reply.judgements[:MAX_JUDGEMENTS]:
            if any(i not in by_id or i not in allowed for i in j.statement_ids) or any(
                i not in self.story_ids for i in j.story_ids
            ):
                self.grounder.drop("judgement:unknown_id")
                continue
            problem = self.grounder.judgement_problem(j.text, [by_id[i] for i in j.statement_ids], allowed)
            if problem:
                self.grounder.drop(f"judgement:{problem}")
                continue
            stories = [by_id[i].story_id for i in j.statement_ids] + j.story_ids
            kept.append(
                Judgement(
                    text=" ".join(j.text.split()),
                    kind="model",
                    basis="model",
                    statement_ids=list(dict.fromkeys(j.statement_ids)),
                    story_ids=list(dict.fromkeys(stories)),
                )
            )
        if not kept:
            self.notes.append(
                f"{label}The model wrote no usable key judgements; "
                "the key judgements were computed from the data."
            )
        return kept

    def _cited(self, text: str, ids: list[str], by_id: dict[str, Statement], allowed: set[str]) -> str | None:
        if any(i not in by_id or i not in allowed for i in ids):
            return "unknown_id"
        return self.grounder.synthesis_problem(text, [by_id[i] for i in ids], allowed)

    # -- accounting --------------------------------------------------------------------------

    def _usage(self) -> Usage:
        ledger = self.ledger
        prices = {**DEFAULT_PRICES, **self.settings.prices}
        price = prices.get(self.settings.model)
        cost = None
        if price is not None:
            cached_price = price.prompt if price.cached is None else price.cached
            dollars = (ledger.prompt - ledger.cached) * price.prompt + ledger.cached * cached_price
            cost = round((dollars + ledger.completion * price.completion) / 1_000_000, 6)
        return Usage(
            calls=ledger.calls,
            cached_calls=self.cached,
            prompt_tokens=ledger.prompt,
            completion_tokens=ledger.completion,
            cached_tokens=ledger.cached,
            estimated_cost=cost,
        )

    def _notes(
        self, stories: list[Story], failed: dict[str, str], over_budget: list[str], need_summary: list[Story]
    ) -> None:
        notes: list[str] = []
        if over_budget:
            notes.append(
                f"Token budget of {self.settings.token_budget:,} reached: {len(over_budget)} of "
                f"{len(stories)} stories were analysed offline, without the model."
            )
        if failed:
            notes.append(
                f"{len(failed)} of {len(stories)} stories were analysed offline because the model's analysis "
                "failed for them (marked in the stories)."
            )
        if self.stopped is not None and self.stopped.startswith("endpoint"):
            notes.append(f"The model endpoint failed ({self.stopped.removeprefix('endpoint: ')}).")
        if need_summary:
            notes.append(
                f"{len(need_summary)} model summaries failed the grounding checks; offline summaries used."
            )
        statements = {r: n for r, n in self.grounder.dropped.items() if ":" not in r}
        if statements:
            listed = ", ".join(f"{r.replace('_', ' ')} {n}" for r, n in sorted(statements.items()))
            notes.append(f"Grounding checks dropped {sum(statements.values())} model statements ({listed}).")
        withheld = self.grounder.flagged_items()
        if withheld:
            notes.append(
                f"{withheld} items contain text addressed to AI systems; it was withheld from the model "
                "and nothing from it is reported."
            )
        if self._usage().estimated_cost is None and self.ledger.calls:
            notes.append(f"No price for {self.settings.model} in analysis.openai.prices: cost not estimated.")
        self.notes = notes + self.notes


class OpenAIBackend:
    name = "openai"

    def preflight(self, config: Config) -> None:
        """Fail before any fetching when the endpoint cannot be used: no key, a variable not set."""
        Endpoint.from_settings(config.analysis.openai)

    def analyse(self, stories: list[Story], items: dict[str, Item], config: Config) -> Analysis:
        with Store(config.resolve(config.store)) as store:
            run = _Run(config, items, store)
            try:
                return run.analyse(stories)
            finally:
                run.close()


register(OpenAIBackend())
