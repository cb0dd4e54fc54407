"""Version folders ``DIR/NAME/X.Y.Z``: parsing, bumping, locking, and whether a version is published.

A version is *published* once ``educorpus push`` has uploaded it: push records the repository,
commit and tag in the version's ``manifest.json`` under ``published``. ``--force`` may replace a
version that was built but never published; nothing replaces a published one.

Not handled here: pre-release or build suffixes (``1.0.0-rc1``); versions are plain X.Y.Z.
"""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path
from typing import Optional

from .errors import BuildLockedError, DatasetError

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
BUMPS = ("major", "minor", "patch")


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.2.3"`` → ``(1, 2, 3)``; anything else is a :class:`DatasetError`.

    >>> parse_version("0.10.2")
    (0, 10, 2)
    """
    m = _SEMVER.match(text or "")
    if not m:
        raise DatasetError(f"version {text!r} is not of the form X.Y.Z (e.g. 0.1.0)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def bump_version(current: Optional[str], part: str) -> str:
    """The next version after ``current`` (``None``: nothing built yet, counts as 0.0.0).

    >>> bump_version("0.1.3", "minor"), bump_version("0.1.3", "patch"), bump_version(None, "minor")
    ('0.2.0', '0.1.4', '0.1.0')
    """
    if part not in BUMPS:
        raise DatasetError(f"--bump takes major, minor or patch, not {part!r}")
    major, minor, patch = parse_version(current) if current else (0, 0, 0)
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def check_name(name: str) -> None:
    if not name or not _NAME.match(name):
        raise DatasetError(f"dataset name {name!r}: use letters, digits, '.', '_' and '-' (no slashes), e.g. edu-seeds")


def list_versions(root: Path) -> list[str]:
    """The version folders under ``DIR/NAME``, oldest first (temporary and hidden folders ignored)."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.is_dir() and _SEMVER.match(p.name)]
    return sorted(found, key=parse_version)


def newest_version(root: Path) -> Optional[str]:
    versions = list_versions(root)
    return versions[-1] if versions else None


def previous_version(root: Path, version: str) -> Optional[str]:
    """The newest version older than ``version`` (the one a changelog compares against)."""
    key = parse_version(version)
    older = [v for v in list_versions(root) if parse_version(v) < key]
    return older[-1] if older else None


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"{folder}: no manifest.json; not a version folder written by educorpus build") from None
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read the manifest ({exc})") from None


def is_published(folder: Path) -> bool:
    try:
        return bool(read_manifest(folder).get("published"))
    except DatasetError:
        return False


def _process_start(pid: int) -> Optional[str]:
    """When process ``pid`` started (boot id and clock ticks since boot, Linux), else None.

    A PID can be reused after a crash or a reboot: a lock naming a live PID that started at
    another time was left by a build that is gone.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
        with open("/proc/sys/kernel/random/boot_id", "rb") as fh:
            boot = fh.read().decode("ascii", "replace").strip()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # the command name may hold spaces and ')'
    return f"{boot}:{fields[19]}" if len(fields) > 19 else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_HELD: set[str] = set()  # lock files this process holds


class VersionLock:
    """An exclusive lock file ``DIR/NAME/.X.Y.Z.lock`` held while a version is built.

    Created with ``O_CREAT | O_EXCL``, so of two concurrent builds exactly one gets it. A lock
    left by a build that died (same host, process gone) is taken over; any other existing lock
    is a :class:`BuildLockedError` naming the lock file. The lock records the holder's start time
    (Linux), so a PID reused by an unrelated process does not keep a dead build's lock forever.
    """

    def __init__(self, root: Path, version: str):
        self.path = root / f".{version}.lock"
        self.version = version
        self.fd: Optional[int] = None

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": _process_start(os.getpid())}
        try:
            os.write(fd, json.dumps(holder).encode())
        except OSError:
            # e.g. a full disk: an empty lock file would block every later build of this version
            os.close(fd)
            self.path.unlink(missing_ok=True)
            raise
        os.close(fd)
        self.fd = 0
        _HELD.add(str(self.path))
        return True

    def acquire(self) -> "VersionLock":
        try:
            if self._create():
                return self
        except OSError as exc:
            raise DatasetError(f"cannot write to {self.path.parent} ({exc.strerror or exc}); choose another --out") from None
        try:
            holder = json.loads(self.path.read_text())
        except (OSError, ValueError):
            holder = {}
        pid, host = holder.get("pid"), holder.get("host")
        if isinstance(pid, int) and host == socket.gethostname() and self._stale(pid, holder.get("started")):
            self.path.unlink(missing_ok=True)  # left by a build that was killed
            if self._create():
                return self
        who = f"process {pid} on {host}" if pid else "another process"
        raise BuildLockedError(
            f"another build of version {self.version} is running ({who} holds {self.path}); "
            f"wait for it, or delete the lock file if no build is running"
        )

    def _stale(self, pid: int, started: Optional[str]) -> bool:
        # dead, or the PID now belongs to another process (this one, or one started at another
        # time: PIDs are reused after a crash, a reboot or in a restarted container)
        if pid == os.getpid():
            return str(self.path) not in _HELD  # not held by another thread of this process
        if not _pid_alive(pid):
            return True
        now = _process_start(pid)
        return bool(started and now and started != now)

    def release(self) -> None:
        if self.fd is not None:
            _HELD.discard(str(self.path))
            self.path.unlink(missing_ok=True)
            self.fd = None

    def __enter__(self) -> "VersionLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
