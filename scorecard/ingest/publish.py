"""Writing the database without ever breaking or blocking it: one writer at a time, atomic publish.

Every writer of the tool (`scorecard ingest`, `scorecard build`, the app's uploads) goes through
`publishing(db)`:

1. it takes `<db>.lock` (`fcntl.flock`, exclusive, held until it ends; the kernel releases it when the
   process dies, even by SIGKILL), so a second writer stops at once with a message naming the first
   (or, with `wait`, queues behind it);
2. it removes `<db>.building-*` files that a killed writer left (none can be in use: the lock is ours);
3. it copies `<db>` to `<db>.building-<pid>` (or starts from nothing when `<db>` does not exist) and
   hands that path to the caller, who writes there and closes every connection;
4. on success it checkpoints the copy, syncs it to disk and renames it over `<db>` (`os.replace`,
   atomic on POSIX); on any error or interruption it deletes the copy and `<db>` is untouched.

Readers open `<db>` read-only and never meet the writer: a reader that opened the old file keeps reading
it (the old inode lives until its last reader closes), and the next open sees the new one. A crash at
any moment leaves either the old or the new file under the name, each complete.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from scorecard.errors import DatabaseError

BUILDING = ".building-"


@dataclass
class Publication:
    """The private copy a writer works on, and what preparing it took."""

    path: Path  #: write here (`<db>.building-<pid>`), close every connection, then return
    target: Path  #: the database the copy replaces on success
    removed: list[str] = field(default_factory=list)  #: leftovers of killed writers, deleted
    copy_seconds: float = 0.0  #: copying the current database
    publish_seconds: float = 0.0  #: checkpoint, sync and rename at the end
    bytes: int = 0  #: size of the copied database

    def notes(self) -> list[str]:
        """What the user should hear about the files around the database (one line each)."""
        return leftover_notes(self.removed)


def leftover_notes(removed: list[str]) -> list[str]:
    """One line for each private copy of a killed writer that was deleted (`remove_leftovers`)."""
    return [f"Removed {name}, left by an ingest or build that was killed." for name in removed]


def lock_path(db_path: str | Path) -> Path:
    """`<db>.lock`, the file whose flock marks the one writer."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}.lock")


def leftovers(db_path: str | Path) -> list[Path]:
    """Private copies (and their write-ahead logs) next to the database, in name order."""
    db_path = Path(db_path)
    return sorted(db_path.parent.glob(f"{glob_escape(db_path.name)}{BUILDING}*"))


def glob_escape(name: str) -> str:
    """`name` with glob metacharacters made literal."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _holder(lock: Path) -> tuple[str, str]:
    """What the writer holding the lock does (`ingest` or `build`) and `pid N, started HH:MM:SS`, as far
    as the lock file says (it may not have written it yet)."""
    try:
        info = dict(part.partition("=")[::2] for part in lock.read_text(encoding="utf-8").split())
    except OSError:
        info = {}
    pid, when = info.get("pid"), ""
    with suppress(ValueError):
        when = datetime.fromtimestamp(float(info.get("started", ""))).strftime("%H:%M:%S")
    who = f"pid {pid}, started {when}" if pid and when else f"pid {pid}" if pid else "process not known yet"
    return info.get("what") or "ingest", who


@contextmanager
def writer_lock(
    db_path: str | Path,
    what: str = "ingest",
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold `<db>.lock` for the enclosed block; raise DatabaseError at once when another writer holds
    it (with `wait`, block until it is free, telling `on_wait` once)."""
    db_path = Path(db_path)
    lock = lock_path(db_path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseError(
            f"Cannot write beside the database {db_path}: {exc.strerror} ({lock}). The folder must exist "
            "and be writable: an ingest writes a new database there and swaps it in."
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            what_runs, who = _holder(lock)
            message = f"Another {what_runs} of {db_path} is running ({who})"
            if not wait:
                raise DatabaseError(
                    f"{message}; wait for it to finish and try again (`scorecard ingest --wait` waits by "
                    "itself)."
                ) from None
            if on_wait:
                on_wait(f"{message}; waiting for it to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid={os.getpid()} started={time.time():.0f} what={what}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race the next writer)


def remove_leftovers(db_path: str | Path) -> list[str]:
    """Delete the private copies of killed writers (call with the lock held); their names."""
    removed = []
    for path in leftovers(db_path):
        path.unlink(missing_ok=True)
        if not path.name.endswith(".wal"):
            removed.append(path.name)
    return removed


def _copy(src: Path, dst: Path) -> None:
    """Copy a file inside the kernel (`copy_file_range`: a reflink where the filesystem shares blocks)."""
    if not hasattr(os, "copy_file_range"):  # not Linux
        shutil.copyfile(src, dst)
        return
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        size = os.fstat(fin.fileno()).st_size
        try:
            done = 0
            while done < size:
                n = os.copy_file_range(fin.fileno(), fout.fileno(), size - done)
                if n == 0:
                    break
                done += n
            if done == size:
                return
        except OSError:
            pass
    shutil.copyfile(src, dst)  # a filesystem without copy_file_range, or a short copy: plain copy


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _wal(path: Path) -> Path:
    return path.with_name(f"{path.name}.wal")


def _discard(building: Path) -> None:
    building.unlink(missing_ok=True)
    _wal(building).unlink(missing_ok=True)


def _finish(pub: Publication) -> None:
    """Checkpoint the copy if a write-ahead log is left, sync it, and rename it over the database."""
    start = time.perf_counter()
    building, target = pub.path, pub.target
    if not building.exists():
        raise DatabaseError(f"The new database {building} was not written; {target} is unchanged.")
    if _wal(building).exists():  # a connection closed without its checkpoint: fold the log in
        con = duckdb.connect(str(building))
        try:
            con.execute("checkpoint").fetchall()
        finally:
            con.close()
        if _wal(building).exists():
            raise DatabaseError(
                f"The new database {building} still has a write-ahead log after its checkpoint (is a "
                f"connection to it open?); {target} is unchanged."
            )
    _fsync(building)
    os.replace(building, target)
    _wal(target).unlink(missing_ok=True)  # a log of the previous file (copied into the new one)
    _fsync(target.parent, directory=True)
    pub.publish_seconds = time.perf_counter() - start


def _start_copy(target: Path, pub: Publication) -> None:
    """Copy the database (and a log an older in-place writer left, whose commits count) to write on."""
    try:
        _copy(target, pub.path)
        shutil.copymode(target, pub.path)
        pub.bytes = pub.path.stat().st_size
        if _wal(target).exists():
            _copy(_wal(target), _wal(pub.path))
    except OSError as exc:
        size = target.stat().st_size / 2**20
        raise DatabaseError(
            f"Cannot copy the database {target} to {pub.path.name} to write on: {exc.strerror}. An ingest "
            f"needs free space beside the database as large as it ({size:,.0f} MB); nothing was changed."
        ) from exc


@contextmanager
def publishing(
    db_path: str | Path,
    what: str = "ingest",
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    locked: bool = False,
) -> Iterator[Publication]:
    """Write a new version of the database on a private copy and publish it atomically (module doc).

    The caller writes to `Publication.path` and closes every connection to it before the block ends;
    if the block raises (or the process is interrupted), the copy is deleted and the database is as
    it was. `locked`: the caller already holds `writer_lock` (it looked at the database first)."""
    target = Path(db_path)
    with nullcontext() if locked else writer_lock(target, what, wait, on_wait):
        pub = Publication(target.with_name(f"{target.name}{BUILDING}{os.getpid()}"), target)
        pub.removed = remove_leftovers(target)
        try:
            start = time.perf_counter()
            if target.exists():
                _start_copy(target, pub)
            pub.copy_seconds = time.perf_counter() - start
            yield pub
            _finish(pub)
        except BaseException:
            _discard(pub.path)
            raise
