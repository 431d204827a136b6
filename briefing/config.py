"""config.toml -> validated, typed settings.

Every problem is collected and reported together, each naming the file and the key path
(``config.toml: feeds[2].url: ...``), and the CLI exits with code 2. Relative paths in the
file (store, output, templates, local feeds) are resolved against the config file's folder.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from briefing.errors import ConfigError

SourceKind = Literal["government", "state_media", "wire", "trade_press", "news_search", "other"]
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__  # type: ignore[attr-defined]

DEFAULT_SIDES = ["United States", "China", "Partners"]
# Countries and blocs the offline analysis can place a speaker in (briefing/analysis/attribution.py).
COUNTRIES: tuple[str, ...] = (
    "us",
    "china",
    "eu",
    "japan",
    "mexico",
    "uk",
    "canada",
    "australia",
    "korea",
    "india",
    "taiwan",
    "indonesia",
    "vietnam",
    "russia",
    "congo",
    "mongolia",
    "kazakhstan",
    "malaysia",
    "philippines",
    "saudi_arabia",
    "argentina",
    "south_africa",
)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Side(Section):
    name: str = Field(min_length=1, description="Side name, e.g. 'United States'.")
    color: str = Field(default="#555555", description="Colour used for this side in charts.")
    countries: list[str] = Field(
        default_factory=list,
        description=(
            "Countries and blocs whose people and bodies speak for this side in the offline analysis, "
            "e.g. ['eu', 'japan', 'mexico', 'australia', 'canada', 'uk', 'korea', 'india']. Known: "
            + ", ".join(COUNTRIES)
            + ". Empty: decided by the side's name ('China' -> china; 'Partners' or 'Allies' -> eu, "
            "japan, mexico). A country no side has leaves its speakers unknown."
        ),
    )

    @field_validator("countries")
    @classmethod
    def _known_countries(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in COUNTRIES]
        if unknown:
            raise ValueError(f"unknown countries {unknown}; known: {', '.join(COUNTRIES)}")
        return value


class Actor(Section):
    name: str = Field(min_length=1, description="Short name shown in briefings, e.g. 'USTR'.")
    side: str = Field(description="One of the configured sides.")
    organization: str = Field(default="", description="Full organisation name.")
    kind: SourceKind = Field(default="government", description="Kind of source the actor speaks through.")
    aliases: list[str] = Field(
        default_factory=list, description="People, offices and names that mean this actor."
    )


class Feed(Section):
    name: str = Field(min_length=1, description="Name shown in briefings and feed health.")
    # `local` comes before `url` so that the url check can see it.
    local: bool = Field(default=False, description="Explicitly allow `url` to be a local file.")
    url: str = Field(description="http(s) URL, or a path when `local = true`.")
    kind: SourceKind = Field(description="government, state_media, wire, trade_press, news_search or other.")
    actor: str | None = Field(default=None, description="Default actor for unattributed statements.")
    fulltext: Literal["auto", "always", "never"] = Field(
        default="auto", description="Fetch article pages: auto (when the feed text is short), always, never."
    )

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
    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Topic id, lower case, e.g. 'export_controls'.")
    label: str = Field(description="Topic name shown in briefings.")
    terms: list[str] = Field(min_length=1, description="Terms that put a statement under this topic.")


class Topics(Section):
    terms: list[str] = Field(min_length=1, description="An item is relevant when it mentions one of these.")
    exclude: list[str] = Field(default_factory=list, description="Items mentioning these are dropped.")
    taxonomy: list[TopicClass] = Field(default_factory=list, description="Topics statements are sorted into.")
    minerals: dict[str, list[str]] = Field(
        default_factory=dict, description="Mineral name -> terms that mean it."
    )


class Audience(Section):
    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", description="Audience name; also the output file name.")
    template: str = Field(description="Template file name, looked up in the user folder, then the defaults.")
    title: str | None = Field(default=None, description="Document title; the config's title when unset.")
    max_stories: int = Field(default=12, ge=1, description="Stories shown in this audience's briefing.")
    max_statements: int = Field(default=6, ge=0, description="Statements shown per story.")
    sections: list[str] = Field(default_factory=list, description="Sections to show; all when empty.")
    classification: str = Field(
        default="UNCLASSIFIED // FOR INTERNAL DISTRIBUTION",
        description="Classification or distribution line at the top and bottom of every page.",
    )


class ModelPrice(Section):
    """US dollars per million tokens, for `run.usage.estimated_cost`."""

    prompt: float = Field(ge=0, description="Per 1M prompt tokens.")
    completion: float = Field(ge=0, description="Per 1M completion tokens.")
    cached: float | None = Field(
        default=None, ge=0, description="Per 1M cached prompt tokens (default: the prompt price)."
    )


# Published list prices (USD per 1M tokens) when this table was written; check your provider's.
DEFAULT_PRICES = {
    "gpt-4o-mini": ModelPrice(prompt=0.15, completion=0.60, cached=0.075),
    "gpt-4o": ModelPrice(prompt=2.50, completion=10.00, cached=1.25),
    "gpt-4.1-mini": ModelPrice(prompt=0.40, completion=1.60, cached=0.10),
    "gpt-4.1": ModelPrice(prompt=2.00, completion=8.00, cached=0.50),
}


class OpenAISettings(Section):
    """`[analysis.openai]`: any OpenAI-compatible Chat Completions endpoint."""

    base_url: str | None = Field(
        default=None, description="Endpoint, e.g. http://localhost:11434/v1 (default: OPENAI_BASE_URL)."
    )
    model: str = Field(default="gpt-4o-mini", description="Model name as the endpoint knows it.")
    api_key_env: str | None = Field(
        default=None, description="Name of the env variable holding the key (default: OPENAI_API_KEY)."
    )
    timeout: float = Field(default=60.0, gt=0, description="Seconds allowed for one request attempt.")
    max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries on 408/409/429/5xx, timeouts and connection errors."
    )
    concurrency: int = Field(default=4, ge=1, le=32, description="Requests in flight at once.")
    run_deadline: float = Field(
        default=900.0, gt=0, description="Seconds for all model calls of a run; later stories go offline."
    )
    response_format: Literal["json_schema", "json_object"] = Field(
        default="json_schema",
        description="json_schema (structured output), or json_object for servers without schema support.",
    )
    temperature: float | None = Field(default=0.0, ge=0, le=2, description="Left out of requests when unset.")
    max_output_tokens: int = Field(default=2048, ge=64, description="Completion cap per request.")
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = Field(
        default="max_tokens", description="Request field for the cap (max_completion_tokens for o-series)."
    )
    max_item_chars: int = Field(default=6000, ge=200, description="Item text sent to the model is cut here.")
    token_budget: int | None = Field(
        default=None, ge=1, description="Prompt + completion tokens per run; the rest is analysed offline."
    )
    synthesis: bool = Field(default=True, description="One cross-story call for key developments.")
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict,
        description="Model -> {prompt, completion, cached} USD per 1M tokens; adds to the built-in table.",
    )


class AnalysisSettings(Section):
    backend: Literal["auto", "offline", "openai"] = Field(
        default="auto", description="auto: openai when an endpoint or key is configured, else offline."
    )
    summary_sentences: int = Field(default=3, ge=1, le=10, description="Sentences in a story summary.")
    openai: OpenAISettings = Field(
        default_factory=OpenAISettings, description="The OpenAI-compatible endpoint."
    )


class FetchSettings(Section):
    timeout: float = Field(default=20.0, gt=0, description="Connect and read timeout, seconds.")
    deadline: float = Field(default=60.0, gt=0, description="Total time allowed per request, seconds.")
    max_bytes: int = Field(default=15 * 1024 * 1024, gt=0, description="Largest body accepted.")
    concurrency: int = Field(default=8, ge=1, le=64, description="Requests in flight at once.")
    user_agent: str = Field(
        default="briefing/0.1 (+https://github.com/briefing/briefing)",
        description="User-Agent header; some government sites need a browser's.",
    )
    fulltext_min_chars: int = Field(
        default=400, ge=0, description="Fetch the article page when the feed text is shorter."
    )
    fulltext_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        description="Runs that may try an article page that failed for a passing reason (timeout, refused "
        "connection, HTTP 408/429/5xx); a page that is gone (404, 410) or has no text is not retried.",
    )
    fulltext_retry_after: float = Field(
        default=600.0, ge=0, description="Seconds to wait after a failed article page before trying it again."
    )
    parse_timeout: float = Field(default=20.0, gt=0, description="Time allowed to parse one feed, seconds.")
    pause_after: int = Field(default=5, ge=1, description="Consecutive failures before a feed is paused.")
    archive: Path | None = Field(
        default=None,
        description="Folder of saved article pages (index.toml maps URL -> file), read instead of the web.",
    )


_SPAN = r"^\s*\d+\s*[mhdwMHDW]\s*$"
OutputFormat = Literal["pdf", "html", "md", "json"]


class Schedule(Section):
    """One scheduled briefing (`briefing schedule`); see briefing/schedule.py."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", description="Names the run ids: '<name>-<fire time>'.")
    cron: str = Field(description="Crontab expression, e.g. '0 7 * * mon' (or @daily, @weekly).")
    timezone: str = Field(default="UTC", description="IANA time zone the cron expression is read in.")
    audiences: list[str] = Field(default_factory=list, description="Audiences rendered; default all.")
    since_last: bool = Field(default=True, description="Window starts where the last good run ended.")
    window: str | None = Field(
        default=None, pattern=_SPAN, description="Span of the first run (every run if since_last = false)."
    )
    max_span: str = Field(default="31d", pattern=_SPAN, description="Longest window a catch-up may cover.")
    formats: list[OutputFormat] = Field(default=["pdf"], min_length=1, description="Files written.")
    backend: Literal["auto", "offline", "openai"] | None = Field(
        default=None, description="Analysis backend; default: `[analysis] backend`."
    )
    email: bool = Field(default=False, description="Email each audience's briefing to its recipients.")

    @field_validator("cron")
    @classmethod
    def _check_cron(cls, value: str) -> str:
        from briefing.cron import fields

        fields(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        from briefing.cron import zone

        zone(value)
        return value


class EmailSettings(Section):
    """SMTP delivery (briefing/deliver.py). Credentials come from environment variables."""

    host: str = Field(min_length=1, description="SMTP server (relay or submission) host name.")
    port: int | None = Field(default=None, ge=1, le=65535, description="Default: 587, 465 (ssl), 25 (none).")
    security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="starttls (port 587), ssl (implicit TLS, 465) or none (local relay)."
    )
    sender: str = Field(min_length=3, description="From: address, e.g. 'Briefing <briefing@example.org>'.")
    username_env: str | None = Field(default=None, description="Env variable holding the SMTP user name.")
    password_env: str | None = Field(default=None, description="Env variable holding the SMTP password.")
    ca_file: Path | None = Field(default=None, description="Extra CA certificates (PEM) for a private relay.")
    timeout: float = Field(default=30.0, gt=0, description="Seconds per SMTP connection and command.")
    attempts: int = Field(default=3, ge=1, le=10, description="Tries per recipient before giving up.")
    retry_delay: float = Field(default=10.0, ge=0, description="Seconds before the 2nd try; doubles after.")
    recipients: dict[str, list[str]] = Field(default_factory=dict, description="Audience -> addresses.")

    @field_validator("recipients")
    @classmethod
    def _check_addresses(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        address = re.compile(r"[^@\s<>]+@[^@\s<>]+")
        bad = [a for addresses in value.values() for a in addresses if not address.fullmatch(a)]
        if bad:
            raise ValueError(f"not an email address: {', '.join(map(repr, bad))}")
        return value


class Retention(Section):
    keep_runs: int | None = Field(default=None, ge=1, description="Keep the newest N runs and their files.")
    keep_days: int | None = Field(default=None, ge=1, description="Delete runs older than N days.")


class Alerts(Section):
    stale_after_days: int = Field(default=14, ge=1, description="No new item for N days: stale.")


class RenderSettings(Section):
    """`[render]`: limits for the process that lays out each PDF (briefing/render/sandbox.py)."""

    timeout: float = Field(default=120.0, gt=0, description="Wall-clock seconds allowed per PDF.")
    max_memory: int = Field(default=2048, ge=256, description="Address-space limit of the PDF renderer, MiB.")


class Config(Section):
    title: str = Field(default="Critical minerals policy briefing", description="Title of every briefing.")
    author: str = Field(default="briefing", description="Author shown in documents and PDF metadata.")
    store: Path = Field(default=Path("briefing.sqlite"), description="SQLite store file.")
    output: Path = Field(default=Path("output"), description="Output folder; one subfolder per date.")
    templates: Path | None = Field(default=None, description="Folder whose templates override the defaults.")
    prompts: Path | None = Field(default=None, description="Folder whose prompts override the defaults.")
    window: str = Field(default="7d", description="Default window when --since is not given.")
    sides: list[Side] = Field(
        default_factory=lambda: [Side(name=n) for n in DEFAULT_SIDES], description="The sides contrasted."
    )
    actors: list[Actor] = Field(default_factory=list, description="Who speaks for which side.")
    feeds: list[Feed] = Field(min_length=1, description="The feeds to read.")
    topics: Topics = Field(description="What makes an item relevant, and how statements are grouped.")
    audiences: list[Annotated[Audience, Field()]] = Field(
        min_length=1, description="One briefing document per audience."
    )
    analysis: AnalysisSettings = Field(
        default_factory=AnalysisSettings, description="How stories are analysed."
    )
    fetch: FetchSettings = Field(
        default_factory=FetchSettings, description="Limits for fetching feeds and pages."
    )
    schedules: list[Schedule] = Field(default_factory=list, description="Scheduled runs (briefing schedule).")
    email: EmailSettings | None = Field(default=None, description="SMTP delivery; none: files only.")
    retention: Retention = Field(default_factory=Retention, description="Pruning of old runs and files.")
    alerts: Alerts = Field(default_factory=Alerts, description="Feed alerts shown in the briefing.")
    render: RenderSettings = Field(default_factory=RenderSettings, description="Limits for PDF rendering.")

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
    problems += _schedule_references(data)
    claimed: dict[str, str] = {}
    for i, side in enumerate(data.get("sides") or []):
        countries = side.get("countries") if isinstance(side, dict) else None
        for country in countries if isinstance(countries, list) else []:
            if isinstance(country, str) and country in claimed:
                problems.append(
                    f"sides[{i}].countries: {country!r} is already a country of side {claimed[country]!r}"
                )
            elif isinstance(country, str):
                claimed[country] = str(side.get("name"))
    for key in ("sides", "actors", "feeds", "audiences", "schedules"):
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


def _schedule_references(data: dict[str, Any]) -> list[str]:
    """Schedules and email recipients name configured audiences; email needs an [email] section."""
    problems: list[str] = []
    audiences = set(_names(data, "audiences"))
    email = data.get("email")
    for i, schedule in enumerate(data.get("schedules") or []):
        if not isinstance(schedule, dict):
            continue
        for name in schedule.get("audiences") or []:
            if isinstance(name, str) and name not in audiences:
                problems.append(f"schedules[{i}].audiences: unknown audience {name!r}")
        if schedule.get("email") is True and not isinstance(email, dict):
            problems.append(f"schedules[{i}].email: needs an [email] section")
    recipients = email.get("recipients") if isinstance(email, dict) else None
    for name in recipients if isinstance(recipients, dict) else {}:
        if name not in audiences:
            problems.append(f"email.recipients.{name}: unknown audience {name!r}")
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
