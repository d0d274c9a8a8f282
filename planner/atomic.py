"""Atomic file writes: temporary file in the same folder, flush, fsync, replace.

A crash, a kill or a full disk leaves either the complete old file or the complete new one,
never a half-written file. What the output path is decides how (:func:`planner.paths.
output_target`): a symlink is followed and its final target replaced (the link stays a link);
``-`` / ``/dev/stdout`` and character devices (``/dev/null``) are written in place once the
whole output is ready; a folder, a named pipe, a socket or a block device is refused before
anything is written. :func:`atomic_paths` writes several files all or nothing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO

from planner.paths import NotAFileError, PathLike, Target, output_target


@contextlib.contextmanager
def atomic_path(path: PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path for ``path``; on success it becomes ``path``.

    A file is replaced atomically (fsync, ``os.replace``); a stream or a character device is
    written in place. On any exception the temporary file is removed and ``path`` is left
    untouched.

    Raises:
        NotAFileError: ``path`` is a folder, a named pipe, a socket or a block device.
    """
    target = output_target(path)
    if target.direct:
        with _staged(target, suffix) as tmp:
            yield tmp
    else:
        with _replacing(target.path, suffix) as tmp:
            yield tmp


def _temp_beside(target: Path, suffix: str | None) -> Path:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp",
                                    dir=target.parent if str(target.parent) else ".")
    os.close(fd)
    tmp = Path(tmp_name)
    _permissions_like(target, tmp)
    return tmp


def _fsync_file(tmp: Path) -> None:
    with open(tmp, "rb+") as fh:
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def _replacing(target: Path, suffix: str | None) -> Iterator[Path]:
    tmp = _temp_beside(target, suffix)
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def _staged(target: Target, suffix: str | None) -> Iterator[Path]:
    """Build the output in a private temporary file, then copy it to the stream or device."""
    tmp = _staged_temp(suffix)
    try:
        yield tmp
        with open(tmp, "rb") as src:
            _copy_out(src, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _staged_temp(suffix: str | None) -> Path:
    fd, name = tempfile.mkstemp(prefix=".trade-planner-", suffix=suffix or ".tmp")
    os.close(fd)
    return Path(name)


def _copy_out(src: IO[bytes], target: Target) -> None:
    if target.fd is not None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        _write_all(target.fd, src)
        return
    # O_NONBLOCK: should the device have become a named pipe meanwhile, open fails at once
    # (ENXIO) instead of waiting for a reader; the device is checked again once open.
    fd = os.open(target.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
                 | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISCHR(os.fstat(fd).st_mode):
            raise NotAFileError(0, "it is no longer a character device; nothing was written",
                                str(target.path))
        os.set_blocking(fd, True)
        _write_all(fd, src)
    finally:
        os.close(fd)


def _write_all(fd: int, src: IO[bytes]) -> None:
    while chunk := src.read(1 << 20):
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view):]


@contextlib.contextmanager
def atomic_paths(paths: Sequence[PathLike], suffix: str | None = None) -> Iterator[list[Path]]:
    """Write several files all or nothing: yield one temporary path per file.

    Every output is checked first (a folder or a pipe named like one refuses the whole set
    before anything is written); each temporary file is created beside its target. When the
    block ends without an exception all of them are fsynced and renamed; should one rename
    fail, the files already replaced get their previous contents back (new ones are removed).
    On any failure no temporary file is left behind and pre-existing files are unchanged.

    Raises:
        NotAFileError: One of ``paths`` is a folder, a named pipe, a socket or a block device.
        OSError: A temporary file cannot be created or a rename fails; ``filename`` names the
            output concerned.
        ValueError: Two of ``paths`` are the same file.
    """
    targets = [output_target(p) for p in paths]
    seen: dict[Path, PathLike] = {}
    for given, t in zip(paths, targets, strict=True):
        key = t.path.resolve()
        if key in seen:
            raise ValueError(f"{os.fspath(given)} and {os.fspath(seen[key])} are the same file")
        seen[key] = given
    tmps: list[Path] = []
    try:
        for given, t in zip(paths, targets, strict=True):
            tmps.append(_named_errors(given, partial(_temp_for, t, suffix)))
        yield list(tmps)
        for tmp in tmps:
            _fsync_file(tmp)
        _commit(list(zip(paths, targets, tmps, strict=True)))
    finally:
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _temp_for(target: Target, suffix: str | None) -> Path:
    return _staged_temp(suffix) if target.direct else _temp_beside(target.path, suffix)


def _named_errors(given: PathLike, action: Callable[[], Path]) -> Path:
    try:
        return action()
    except NotAFileError:
        raise
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(given)) from exc


def _commit(items: list[tuple[PathLike, Target, Path]]) -> None:
    """Rename every temporary file over its target; undo the renames done if one fails."""
    done: list[tuple[Target, Path | None]] = []
    try:
        for given, target, tmp in items:
            if target.direct:
                continue
            backup = _backup(target.path)
            try:
                os.replace(tmp, target.path)
            except OSError as exc:
                if backup is not None:
                    backup.unlink()
                raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(given)) from exc
            done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    target.path.unlink()
                else:
                    os.replace(backup, target.path)
        raise
    for _target, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
    for folder in {t.path.parent for t, _ in done}:
        _fsync_dir(folder)
    for _given, target, tmp in items:
        if target.direct:
            with open(tmp, "rb") as src:
                _copy_out(src, target)


def _backup(path: Path) -> Path | None:
    """A hard link (else a copy) of an existing file, to put back if a later rename fails."""
    if not path.exists():
        return None
    backup = path.with_name(f".{path.name}.{secrets.token_hex(6)}.old")
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def _permissions_like(target: Path, tmp: Path) -> None:
    """Give the temporary file the target's mode, or the umask default for a new file.

    ``mkstemp`` creates files readable by their owner only; an export must not change who can
    read the user's file.
    """
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder or ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: PathLike, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` atomically through ``write(binary_file)``."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write(fh)


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write text to ``path`` atomically."""
    atomic_write(path, lambda fh: fh.write(text.encode(encoding)))
