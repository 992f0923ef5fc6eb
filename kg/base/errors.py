"""Typed errors. The library raises them; only the CLI turns them into exit codes.

Each message says where the problem is (file, line, field) and what was expected, so a curator can fix it
without reading a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: str | Path) -> str:
    """A path relative to the working directory when it is below it: shorter messages, same meaning."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))  # links not followed: the name given
    except (ValueError, OSError):
        return str(path)


class KGError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 2


class InputError(KGError):
    """Bad input: a record file, a parameter, a file name. Exit code 2."""


MAX_PROBLEM = 1000  # characters of a record error's problem; longer ones keep their start and end


class RecordError(InputError):
    """A record file breaks the record format; the message starts with `file:line: field:`."""

    def __init__(self, file: str, line: int | None, field: str | None, problem: str) -> None:
        if len(problem) > MAX_PROBLEM:  # a value quoted in full could fill a screen (a 4,000-digit number)
            problem = f"{problem[:MAX_PROBLEM - 100]} … {problem[-90:]}"
        self.file, self.line, self.field, self.problem = file, line, field, problem
        where = f"{display_path(file)}:{line}" if line else display_path(file)
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


class RecordErrors(RecordError):
    """Several record errors found in one run (a curator fixes them all at once): one `file:line: field:` line
    each; `errors` keeps them, and file, line and field are the first one's."""

    def __init__(self, errors: list[RecordError]) -> None:
        self.errors: list[RecordError] = [e for err in errors
                                          for e in (err.errors if isinstance(err, RecordErrors) else [err])]
        first = self.errors[0]
        self.file, self.line, self.field, self.problem = first.file, first.line, first.field, first.problem
        InputError.__init__(self, "\n".join(str(e) for e in self.errors))

    @staticmethod
    def raise_any(errors: list[RecordError]) -> None:
        """Raise the one error as it is, several as one RecordErrors; nothing when there are none."""
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise RecordErrors(errors)


class QuoteError(RecordError):
    """A quote does not occur verbatim in its source text."""


class UncheckedQuotes(KGError):
    """`kg build` found no source text for some quotes: the graph would vouch for passages nobody compared.
    Exit 1, like data that fails its checks, unless the curator asks to build without checking them."""

    exit_code = 1


class OutputError(InputError):
    """An output path the command may not write: a folder or file that is not its own earlier output."""


class QueryError(InputError):
    """An unknown query, or a missing, unknown or unresolvable parameter."""
