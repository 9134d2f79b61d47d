"""The one error type that user-facing commands turn into exit status 2 and a single stderr line.

Every stage raises :class:`InputError` for bad input instead of letting pandas, json or
jsonschema tracebacks escape, so a user always learns which file, which row or key, and what is
wrong, in one line.
"""

from __future__ import annotations

from os import PathLike

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """Bad input that the user must fix: a file, a location inside it, and the problem.

    Args:
        path: the file (or config, or URL) the problem is in.
        problem: what is wrong, in plain English.
        where: the row, line, column or key (``"line 7"``, ``"column 'rating'"``); optional.
    """

    def __init__(self, path: str | PathLike[str] | None, problem: str, where: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.where = where
        self.problem = problem
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [p for p in (self.path, self.where) if p]
        prefix = ": ".join(parts)
        text = f"{prefix}: {self.problem}" if prefix else self.problem
        return " ".join(text.split())


class Stopped(BaseException):
    """A command stopped by a signal (SIGINT, SIGTERM) after cleaning up; ``main`` prints one line.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` on the way swallows it.

    Args:
        signum: the signal's number (the exit status is 128 + signum, as a shell reports it).
        message: what was stopped and how to continue.
    """

    def __init__(self, signum: int, message: str) -> None:
        self.signum = signum
        super().__init__(message)
