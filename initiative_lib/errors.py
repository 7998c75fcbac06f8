"""Error types and shared wording for messages about bad input.

Every message names where the problem is (file, row, field), the bad value and
what was expected, so that a user can fix the input without reading the code.
"""

from __future__ import annotations

from collections.abc import Iterable


class CorpusError(ValueError):
    """A corpus file or manifest row does not meet the corpus schema."""


class ChecksumError(OSError):
    """A file's SHA-256 differs from the recorded one."""


def where(file: object, row: int | str | None = None, field: str | None = None) -> str:
    """Describe a location as ``file, row N, field 'x'``.

    Examples
    --------
    >>> where("corpus/documents.csv", 3, "date")
    "corpus/documents.csv, row 3, field 'date'"
    """
    parts = [str(file)]
    if row is not None:
        parts.append(f"row {row}")
    if field is not None:
        parts.append(f"field {field!r}")
    return ", ".join(parts)


def require_columns(df: object, columns: Iterable[str], name: str, hint: str) -> None:
    """Check that ``df`` is a non-empty DataFrame with ``columns``; name ``name`` and ``hint`` if not.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "rates", "the output of dictionary_rates()")
    Traceback (most recent call last):
    ...
    ValueError: rates lacks columns ['b']; expected the output of dictionary_rates()
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        msg = f"{name} must be a pandas DataFrame ({hint}); got {type(df).__name__}"
        raise TypeError(msg)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        msg = f"{name} lacks columns {missing}; expected {hint}"
        raise ValueError(msg)
    if df.empty:
        msg = f"{name} is empty; expected at least one row"
        raise ValueError(msg)


def expected_one_of(values: Iterable[object]) -> str:
    """Format an allowed set for a message, sorted for stable output.

    Examples
    --------
    >>> expected_one_of({"b", "a"})
    "one of ['a', 'b']"
    """
    return f"one of {sorted(values, key=str)}"


class CacheWarning(UserWarning):
    """A cache file or folder could not be used; the result is computed without it."""
