"""config.toml -> validated, typed settings.

Every problem is collected and reported together, each naming the file and the key path
(``config.toml: feeds[2].url: ...``), and the CLI exits with code 2. Relative paths in the
file (store, output, templates, local feeds) are resolved against the config file's folder.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from briefing.errors import ConfigError

SourceKind = Literal["government", "state_media", "wire", "trade_press", "news_search", "other"]
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__  # type: ignore[attr-defined]

DEFAULT_SIDES = ["United States", "China", "Partners"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Side(Section):
    name: str = Field(min_length=1)
    color: str = Field(default="#555555", description="Colour used for this side in charts.")


class Actor(Section):
    name: str = Field(min_length=1, description="Short name shown in briefings, e.g. 'USTR'.")
    side: str = Field(description="One of the configured sides.")
    organization: str = Field(default="", description="Full organisation name.")
    kind: SourceKind = "government"
    aliases: list[str] = Field(
        default_factory=list, description="People, offices and names that mean this actor."
    )


class Feed(Section):
    name: str = Field(min_length=1)
    # `local` comes before `url` so that the url check can see it.
    local: bool = Field(default=False, description="Explicitly allow `url` to be a local file.")
    url: str = Field(description="http(s) URL, or a path when `local = true`.")
    kind: SourceKind
    actor: str | None = Field(default=None, description="Default actor for unattributed statements.")
    fulltext: Literal["auto", "always", "never"] = "auto"

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str, info: ValidationInfo) -> str:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if info.data.get("local"):
            if scheme not in ("", "file"):
                raise ValueError("a local feed needs a file path, not a URL")
        elif scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an http(s) URL; {url!r} is not (set local = true for a file)")
        return url


class TopicClass(Section):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    terms: list[str] = Field(min_length=1)


class Topics(Section):
    terms: list[str] = Field(min_length=1, description="An item is relevant when it mentions one of these.")
    exclude: list[str] = Field(default_factory=list, description="Items mentioning these are dropped.")
    taxonomy: list[TopicClass] = Field(default_factory=list)
    minerals: dict[str, list[str]] = Field(
        default_factory=dict, description="Mineral name -> terms that mean it."
    )


class Audience(Section):
    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    template: str = Field(description="Template file name, looked up in the user folder, then the defaults.")
    title: str | None = None
    max_stories: int = Field(default=12, ge=1)
    max_statements: int = Field(default=6, ge=0, description="Statements shown per story.")
    sections: list[str] = Field(default_factory=list)
    classification: str = "UNCLASSIFIED // FOR INTERNAL DISTRIBUTION"


class OpenAISettings(Section):
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    api_key_env: str | None = Field(default=None, description="Name of the env variable holding the key.")
    timeout: float = Field(default=60.0, gt=0)


class AnalysisSettings(Section):
    backend: Literal["auto", "offline", "openai"] = "auto"
    summary_sentences: int = Field(default=3, ge=1, le=10)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)


class FetchSettings(Section):
    timeout: float = Field(default=20.0, gt=0, description="Connect and read timeout, seconds.")
    deadline: float = Field(default=60.0, gt=0, description="Total time allowed per request, seconds.")
    max_bytes: int = Field(default=15 * 1024 * 1024, gt=0, description="Largest body accepted.")
    concurrency: int = Field(default=8, ge=1, le=64)
    user_agent: str = "briefing/0.1 (+https://github.com/briefing/briefing)"
    fulltext_min_chars: int = Field(
        default=400, ge=0, description="Fetch the article page when the feed text is shorter."
    )
    parse_timeout: float = Field(default=20.0, gt=0, description="Time allowed to parse one feed, seconds.")
    pause_after: int = Field(default=5, ge=1, description="Consecutive failures before a feed is paused.")
    archive: Path | None = Field(
        default=None,
        description="Folder of saved article pages (index.toml maps URL -> file), read instead of the web.",
    )


class Config(Section):
    title: str = "Critical minerals policy briefing"
    author: str = "briefing"
    store: Path = Path("briefing.sqlite")
    output: Path = Path("output")
    templates: Path | None = Field(default=None, description="Folder whose templates override the defaults.")
    prompts: Path | None = Field(default=None, description="Folder whose prompts override the defaults.")
    window: str = Field(default="7d", description="Default window when --since is not given.")
    sides: list[Side] = Field(default_factory=lambda: [Side(name=n) for n in DEFAULT_SIDES])
    actors: list[Actor] = Field(default_factory=list)
    feeds: list[Feed] = Field(min_length=1)
    topics: Topics
    audiences: list[Annotated[Audience, Field()]] = Field(min_length=1)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)

    # Set by load(): the file this config came from.
    path: Path = Field(default=Path("config.toml"), exclude=True)

    def side_names(self) -> list[str]:
        return [s.name for s in self.sides]

    def actor(self, name: str | None) -> Actor | None:
        return next((a for a in self.actors if a.name == name), None)

    def feed(self, name: str) -> Feed | None:
        return next((f for f in self.feeds if f.name == name), None)

    def audience(self, name: str) -> Audience | None:
        return next((a for a in self.audiences if a.name == name), None)

    def resolve(self, path: Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        return (path if path.is_absolute() else self.path.parent / path).resolve()

    def feed_path(self, feed: Feed) -> Path:
        parsed = urlsplit(feed.url)
        raw = parsed.path if parsed.scheme == "file" else feed.url
        return self.resolve(Path(raw))


def _names(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [entry.get("name") if isinstance(entry, dict) else None for entry in value]


def _cross_references(data: dict[str, Any]) -> list[str]:
    """Checks between sections, run on the raw data so they are reported with field errors."""
    problems: list[str] = []
    sides = _names(data, "sides") if "sides" in data else list(DEFAULT_SIDES)
    actors = _names(data, "actors")
    for key in ("sides", "actors", "feeds", "audiences"):
        seen: set[Any] = set()
        for i, name in enumerate(_names(data, key)):
            if name is not None and name in seen:
                problems.append(f"{key}[{i}].name: duplicate name {name!r}")
            seen.add(name)
    for i, actor in enumerate(data.get("actors") or []):
        if isinstance(actor, dict) and isinstance(actor.get("side"), str) and actor["side"] not in sides:
            problems.append(
                f"actors[{i}].side: unknown side {actor['side']!r} (sides: {', '.join(map(str, sides))})"
            )
    for i, feed in enumerate(data.get("feeds") or []):
        if isinstance(feed, dict) and isinstance(feed.get("actor"), str) and feed["actor"] not in actors:
            problems.append(f"feeds[{i}].actor: unknown actor {feed['actor']!r}")
    return problems


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _format_errors(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = _loc(tuple(err["loc"]))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        for line in msg.split("\n"):
            # Cross-reference problems carry their own key path.
            problems.append(line if not loc else f"{loc}: {line}")
    return problems


def parse(data: dict[str, Any], path: Path) -> Config:
    problems: list[str] = []
    config: Config | None = None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = _format_errors(exc)
    problems += _cross_references(data)
    if problems or config is None:
        raise ConfigError(str(path), problems)
    config.path = path.resolve()
    return config


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"invalid TOML: {exc}"]) from None
    return parse(data, path)
