"""Real disks for the fault tests: a small tmpfs, a read-only view, a disk filled up, and what a store file holds.

Mounting needs root. Where this machine cannot mount, a test skips and says why;
under CI it fails instead, since CI must run it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

__all__ = ["fill", "fingerprint", "integrity", "read_only_view", "tmpfs"]


def _mount(*args: str | Path) -> None:
    """Run ``mount`` (or ``umount``); skip the test where this machine cannot, and fail under CI."""
    why = None
    if os.geteuid() != 0:
        why = "needs root to mount a file system (chmod does not make a file read-only to root)"
    else:
        done = subprocess.run([args[0], *map(str, args[1:])], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return
        why = f"cannot {' '.join(map(str, args))}: {done.stderr.strip()}"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test, but it {why}")
    pytest.skip(why)


def _unmount(folder: Path) -> None:
    if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)  # still held: detach it now, free it later


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A fresh tmpfs of ``size`` (``"1m"``) mounted on ``folder``, unmounted after."""
    folder.mkdir(parents=True, exist_ok=True)
    _mount("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder)
    try:
        yield folder
    finally:
        _unmount(folder)


@contextmanager
def read_only_view(folder: Path, view: Path) -> Iterator[Path]:
    """``folder`` seen again at ``view``, through a read-only bind mount (as a container sees a ``:ro`` volume)."""
    view.mkdir(parents=True, exist_ok=True)
    _mount("mount", "--bind", folder, view)
    try:
        _mount("mount", "-o", "remount,bind,ro", view)
        yield view
    finally:
        _unmount(view)


def fill(disk: Path, leave_kib: int) -> None:
    """Fill ``disk`` up to ``leave_kib`` KiB of free space."""
    free = shutil.disk_usage(disk).free // 1024 - leave_kib
    (disk / "filler").write_bytes(b"\0" * free * 1024)


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}
