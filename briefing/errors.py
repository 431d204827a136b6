"""The exceptions briefing raises, and the exit codes they map to.

    BriefingError                 base; carries an exit code
    ├── ConfigError               config.toml is missing or invalid        -> exit 2
    ├── UsageError                bad command-line value (a window, ...)   -> exit 2
    ├── StoreError                the SQLite store cannot be opened/used   -> exit 1
    ├── LockedError               another run holds the store's lock       -> exit 4
    ├── SourceError               one feed or article failed (collected, not raised past the stage)
    │   ├── FetchError            network, HTTP status, size or time limit
    │   └── FeedParseError        bytes that are not a usable feed
    ├── AnalysisError             a backend failed for the whole run       -> exit 1
    └── RenderError               a template or PDF could not be produced  -> exit 1

Per-feed and per-story failures are values in the run's results, not exceptions that
escape the pipeline; only `cli.py` turns exceptions into messages and exit codes.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented in README.md; scripts rely on these numbers."""

    OK = 0
    FAILED = 1
    USAGE = 2
    PARTIAL = 3
    #: Another run holds the store's lock; nothing was done (scheduler overlap, try again later).
    LOCKED = 4


class BriefingError(Exception):
    exit_code: ExitCode = ExitCode.FAILED


class ConfigError(BriefingError):
    """Every problem found in a config file, reported together."""

    exit_code = ExitCode.USAGE

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


class UsageError(BriefingError):
    exit_code = ExitCode.USAGE


class StoreError(BriefingError):
    pass


class LockedError(BriefingError):
    """Another briefing process is running on the same store (see briefing/lock.py)."""

    exit_code = ExitCode.LOCKED


class SourceError(BriefingError):
    pass


class FetchError(SourceError):
    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class FeedParseError(SourceError):
    pass


class AnalysisError(BriefingError):
    pass


class RenderError(BriefingError):
    pass
