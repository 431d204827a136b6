"""What the model is asked to return, as pydantic models; the JSON Schema sent comes from them.

    StoryReply      one call per story: summary sentences with their evidence, attributed statements
    SynthesisReply  one call per run: key developments, per-topic contrasts and key judgements, citing
                    statement ids (and story ids, for judgements)

The same classes validate the reply, so the schema the model sees and the checks the code runs
cannot drift apart. Every field is required (nullable where it may be empty), as OpenAI's strict
structured output demands; unknown keys are ignored rather than failing a whole story.
What the reply *says* is checked afterwards, in `grounding.py`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Evidence(_Reply):
    item_id: str
    quote: str


class SummarySentence(_Reply):
    text: str
    evidence: list[Evidence]


class StatementReply(_Reply):
    item_id: str
    speaker: str
    speaker_title: str
    organization: str | None
    actor: str | None
    side: str | None
    kind: Literal["direct", "indirect"]
    quote: str
    translation: str | None
    topic: str | None
    minerals: list[str]


class StoryReply(_Reply):
    story_id: str
    summary: list[SummarySentence]
    statements: list[StatementReply]


class DevelopmentReply(_Reply):
    text: str
    statement_ids: list[str]


class ContrastReply(_Reply):
    topic: str
    summary: str
    statement_ids: list[str]


class JudgementReply(_Reply):
    text: str
    statement_ids: list[str]
    story_ids: list[str]


class SynthesisReply(_Reply):
    developments: list[DevelopmentReply]
    contrasts: list[ContrastReply]
    # Required in the schema sent; a reply without it (an older cached one) still validates.
    judgements: list[JudgementReply] = Field(default_factory=list)


def _strict(node: Any) -> Any:
    """Every object closed and every property required; titles dropped (they only cost tokens)."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("properties", "$defs"):
                # Maps of names to schemas: the names are data, never keywords to drop.
                out[key] = {name: _strict(schema) for name, schema in value.items()}
            elif key not in ("title", "default"):
                out[key] = _strict(value)
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
            out["required"] = list(out["properties"])
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The strict JSON Schema of a reply model, for `response_format` and for JSON-mode prompts."""
    result: dict[str, Any] = _strict(model.model_json_schema())
    return result


SCHEMAS: dict[str, type[BaseModel]] = {"story_analysis": StoryReply, "synthesis": SynthesisReply}
