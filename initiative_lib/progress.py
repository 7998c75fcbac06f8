"""Progress bars for long-running loops, drawn by :mod:`tqdm.auto`.

In JupyterLab the bar is a widget below the running cell; in a terminal it is
one line on standard error. Whether a bar is shown is decided by
:func:`want_progress`:

* ``progress=True`` or ``False`` (the argument of the long-running function) decides;
* else ``$INITIATIVE_PROGRESS`` decides when set (``1`` show, ``0`` hide): the
  notebook runner (:mod:`initiative_lib.notebooks`) and ``python3 tasks.py test``
  set ``0``, so that stored notebook outputs hold no bar and no timing;
* else no bar under pytest (``$PYTEST_CURRENT_TEST`` is set);
* else a bar in a Jupyter kernel, or when standard error is a terminal.

Nothing here prints to standard output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

#: the environment variable that turns bars on (``1``) or off (``0``) where the argument is ``None``
PROGRESS_ENV = "INITIATIVE_PROGRESS"

T = TypeVar("T")


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    from IPython import get_ipython

    return hasattr(get_ipython(), "kernel")


def want_progress(progress: bool | None) -> bool:
    """Decide whether to show progress (see the module docstring for ``None``).

    Examples
    --------
    >>> want_progress(False)
    False
    >>> want_progress(None)  # under pytest, and in the doctests
    False
    """
    if progress is not None and not isinstance(progress, bool):
        msg = f"progress must be True, False or None (see ${PROGRESS_ENV}); got {progress!r}"
        raise TypeError(msg)
    if progress is not None:
        return progress
    setting = os.environ.get(PROGRESS_ENV, "").strip()
    if setting:
        if setting not in ("0", "1"):
            msg = f"${PROGRESS_ENV} must be 0 (no progress bars) or 1 (progress bars); got {setting!r}"
            raise ValueError(msg)
        return setting == "1"
    if "PYTEST_CURRENT_TEST" in os.environ:
        return False
    if _in_kernel():
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def progress_bar(
    items: Iterable[T], *, total: int | None = None, desc: str, progress: bool | None = None
) -> Iterator[T]:
    """Yield ``items`` while a :mod:`tqdm.auto` bar counts them (when :func:`want_progress` says so).

    Examples
    --------
    >>> list(progress_bar(range(3), desc="demo", progress=False))
    [0, 1, 2]
    """
    show = want_progress(progress)
    with tqdm(items, total=total, desc=desc, disable=not show, file=sys.stderr, dynamic_ncols=True) as bar:
        yield from bar


class Progress:
    """A :mod:`tqdm.auto` bar counted by hand: ``step()`` per item, ``done()`` at the end.

    Parameters
    ----------
    label : str
        The bar's description.
    total : int
        Number of items.
    enabled : bool
        Draw the bar (decide with :func:`want_progress`).
    every : int
        Redraw at most every ``every`` items (and at the last).

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
        self._bar = tqdm(
            total=total, desc=label, disable=not enabled, file=sys.stderr, miniters=self.every, dynamic_ncols=True
        )

    def step(self) -> None:
        """Count one item."""
        self.count += 1
        self._bar.update(1)

    def done(self) -> None:
        """Close the bar."""
        self._bar.close()
