"""Analysis backends: stories + items -> summaries, attributed statements and contrasts.

Every backend, built-in or not, is one entry in a small registry and follows one protocol:

    backend = get_backend("offline")
    analysis = backend.analyse(stories, items, config)

Built-in backends live in modules of this package named after them (`offline.py`, later
`openai.py`) and register themselves when imported; `get_backend` imports them on first use.
Other packages can add a backend through the `briefing.backends` entry point group, whose entries
load to a backend object (or a class to instantiate).

`build_contrasts` and `coverage` work from statements alone, so every backend shares them.
"""

from __future__ import annotations

import importlib
import importlib.util
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from briefing.analysis.contrast import build_contrasts, coverage
from briefing.config import Config
from briefing.errors import AnalysisError
from briefing.models import Analysis, Item, Story

__all__ = [
    "Backend",
    "UnknownBackendError",
    "available",
    "build_contrasts",
    "coverage",
    "get_backend",
    "register",
]

ENTRY_POINT_GROUP = "briefing.backends"
BUILTIN = ("offline", "openai")


@runtime_checkable
class Backend(Protocol):
    name: str

    def analyse(self, stories: list[Story], items: dict[str, Item], config: Config) -> Analysis:
        """Summaries, statements and contrasts for the stories; per-story failures in `failed_stories`."""
        ...

    # A backend may also define `preflight(config) -> None`, called before a run fetches anything,
    # to raise AnalysisError for what would make it fail for the whole run (a missing API key).


class UnknownBackendError(AnalysisError, KeyError):
    """No backend of that name; also a KeyError, as for any registry lookup."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


_registry: dict[str, Backend] = {}


def register(backend: Backend) -> Backend:
    """Add a backend under its `name`, replacing any backend of that name. Returns it."""
    if not isinstance(backend, Backend) or not backend.name:
        raise TypeError(f"not an analysis backend: {backend!r}")
    _registry[backend.name] = backend
    return backend


def _load(name: str) -> None:
    if name in BUILTIN:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                # The module exists but something it needs is not installed.
                raise AnalysisError(f"analysis backend {name!r} cannot be loaded: {exc}") from exc
        if name in _registry:
            return
    for entry in entry_points(group=ENTRY_POINT_GROUP, name=name):
        loaded = entry.load()
        register(loaded() if isinstance(loaded, type) else loaded)
        return


def get_backend(name: str) -> Backend:
    """The backend registered as `name`, loading a built-in or plugin backend on first use."""
    if name not in _registry:
        _load(name)
    try:
        return _registry[name]
    except KeyError:
        raise UnknownBackendError(
            f"unknown analysis backend {name!r} (available: {', '.join(available())})"
        ) from None


def available() -> list[str]:
    """Names of the backends that can be loaded: registered, built-in and installed plugins."""
    names = set(_registry) | {n for n in BUILTIN if importlib.util.find_spec(f"{__name__}.{n}") is not None}
    names |= {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(names)
