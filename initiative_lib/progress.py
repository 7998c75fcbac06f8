"""Progress reports on standard error for long-running loops.

Shown only when asked (``progress=True``) or, by default (``None``), when
standard error is a terminal, so that notebooks run by a test or a script
stay quiet. Nothing here prints to standard output.
"""

from __future__ import annotations

import sys


def want_progress(progress: bool | None) -> bool:
    """Decide whether to show progress: ``None`` means only when stderr is a terminal.

    Examples
    --------
    >>> want_progress(False)
    False
    """
    if progress is None:
        isatty = getattr(sys.stderr, "isatty", None)
        return bool(isatty and isatty())
    if not isinstance(progress, bool):
        msg = f"progress must be True, False or None (show if stderr is a terminal); got {progress!r}"
        raise TypeError(msg)
    return progress


class Progress:
    """Write ``label: i/n`` to stderr, overwriting one line, at most every ``every`` items.

    Examples
    --------
    >>> p = Progress("demo", 3, enabled=False)
    >>> for _ in range(3):
    ...     p.step()
    >>> p.done()
    >>> p.count
    3
    """

    def __init__(self, label: str, total: int, *, enabled: bool, every: int = 25) -> None:
        self.label, self.total, self.enabled, self.every = label, total, enabled, max(1, every)
        self.count = 0

    def step(self) -> None:
        """Count one item; redraw the line every ``every`` items and at the last."""
        self.count += 1
        if self.enabled and (self.count % self.every == 0 or self.count == self.total):
            sys.stderr.write(f"\r{self.label}: {self.count:,}/{self.total:,}")
            sys.stderr.flush()

    def done(self) -> None:
        """End the progress line."""
        if self.enabled and self.count:
            sys.stderr.write("\n")
            sys.stderr.flush()
