"""Where an output may go: never onto an input of the same command, a folder or a pipe.

Two checks every writer shares:

* :func:`check_outputs` — before a command writes anything, no output may be the same file as
  one of its inputs. "Same" is decided twice: by the resolved path (symlinks followed) and by
  ``os.stat`` device and inode, so a symlink or a hard link to the input is caught too;
* :func:`output_target` — what writing a path means: a regular file (or a new one) is replaced
  atomically, through any symlink, at its final target; ``-``, ``/dev/stdout``, ``/dev/stderr``
  and ``/dev/fd/N`` name an open stream and a character device (``/dev/null``, a terminal) is
  opened and written in place, both on purpose; anything else that exists (a folder, a named
  pipe, a socket, a block device) is refused with :class:`NotAFileError`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Suffixes of spreadsheet files: a text (CSV) output must not be named like one.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_FD_PATH = re.compile(r"/(?:dev/fd|proc/self/fd)/(\d+)")
_STREAMS = {"-": 1, "/dev/stdout": 1, "/dev/stderr": 2}

PathLike = str | os.PathLike[str]


class OutputRefused(ValueError):
    """An output that would overwrite an input, or a text output named like a workbook."""


class NotAFileError(OSError):
    """The output exists and is not a regular file (a folder, a pipe, a socket, a disk)."""


@dataclass(frozen=True)
class Target:
    """Where the bytes of an output go.

    Attributes:
        path: The file to write: symlinks followed to their final target.
        fd: The open stream named on purpose (``-`` is 1), else ``None``.
        device: True for a character device (``/dev/null``): written in place.
    """

    path: Path
    fd: int | None = None
    device: bool = False

    @property
    def direct(self) -> bool:
        """True when the output is written in place, not replaced."""
        return self.fd is not None or self.device


def stream_fd(path: PathLike) -> int | None:
    """The file descriptor ``path`` names on purpose (``-``, ``/dev/stdout``, …), or ``None``."""
    text = os.fspath(path)
    if text in _STREAMS:
        return _STREAMS[text]
    m = _FD_PATH.fullmatch(text)
    return int(m.group(1)) if m else None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device (a disk)"
    return "a special file"


def output_target(path: PathLike) -> Target:
    """Classify an output path before anything is written.

    Raises:
        NotAFileError: ``path`` (or the file its symlinks lead to) exists and is neither a
            regular file nor a character device.
    """
    fd = stream_fd(path)
    if fd is not None:
        return Target(Path(os.fspath(path)), fd=fd)
    given = Path(path)
    real = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return Target(real)
    if stat.S_ISREG(mode):
        return Target(real)
    if stat.S_ISCHR(mode):
        return Target(real, device=True)
    code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
    via = f" (the symlink leads to {real})" if real != given else ""
    raise NotAFileError(code, f"it is {_kind(mode)}, not a regular file{via}; nothing was "
                              "written", os.fspath(given))


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when ``a`` and ``b`` are one file: same resolved path, or same device and inode."""
    if stream_fd(a) is not None or stream_fd(b) is not None:
        return False
    try:
        if Path(a).resolve() == Path(b).resolve():
            return True
    except (OSError, RuntimeError):
        pass
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_outputs(outputs: Iterable[PathLike], inputs: Mapping[str, PathLike | None]) -> None:
    """Refuse any output that is the same file as one of the command's inputs.

    Args:
        outputs: The files the command would write.
        inputs: What each input is (``"plan workbook"``, ``"journal"``) -> its path, or
            ``None`` when the command was not given it.

    Raises:
        OutputRefused: Names the output and the input it would overwrite.
    """
    for out in outputs:
        for label, source in inputs.items():
            if source is not None and same_file(out, source):
                link = "" if os.fspath(out) == os.fspath(source) else " (the same file)"
                raise OutputRefused(
                    f"{os.fspath(out)}: writing it would overwrite the input {label} "
                    f"{os.fspath(source)}{link}; choose another output file (nothing was "
                    "written)")


def refuse_workbook_suffix(path: PathLike, what: str) -> None:
    """Refuse a text output named like a spreadsheet (``--csv plan.xlsx``).

    Raises:
        OutputRefused: ``path`` ends in one of :data:`WORKBOOK_SUFFIXES`.
    """
    suffix = Path(path).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        raise OutputRefused(f"{what} {os.fspath(path)}: this writes CSV text, which a file "
                            f"named {suffix} must not hold (it looks like a workbook); "
                            "name the output .csv (nothing was written)")
