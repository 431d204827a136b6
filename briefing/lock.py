"""One run at a time per store: an OS-level lock on a file beside the SQLite file.

`store_lock(path)` takes `flock(LOCK_EX | LOCK_NB)` on `<store>.lock` and raises LockedError
(exit code 4) at once when another process holds it, naming that process. The kernel releases
a flock when its holder exits for any reason, SIGKILL included, so a killed run leaves no stale
lock and nothing has to expire (unlike O_EXCL or TTL lock files). The lock file itself is never
deleted: unlinking it while another process waits on the old inode would let two runs in.

The lock is per open file, not per process: the same process taking it twice is refused too,
so callers take it once, around the whole run (`pipeline.run` does).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from briefing.errors import LockedError, StoreError


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".lock")


@contextmanager
def store_lock(store: Path) -> Iterator[Path]:
    """Hold the store's lock for the duration of the block; LockedError if it is taken."""
    path = lock_path(store)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot create the lock file {path}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            raise LockedError(
                f"another briefing run is using {store} ({holder or 'holder unknown'}); "
                "this run did nothing, try again when that one has finished"
            ) from None
        # Who holds it, for the message a second run prints. Written after locking, so a
        # reader that sees it being rewritten can only be a refused run.
        note = f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, note, 0)
        yield path
    finally:
        # Closing the descriptor releases the flock.
        os.close(fd)
