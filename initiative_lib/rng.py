"""Random number generators from a ``random_state`` argument, in one place."""

from __future__ import annotations

import numpy as np


def resolve_rng(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """Return a numpy Generator for ``random_state`` (an int seed, a Generator, or None).

    Examples
    --------
    >>> float(resolve_rng(0).random()) == float(resolve_rng(0).random())
    True
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, int | np.integer):
        return np.random.default_rng(random_state)
    msg = f"random_state must be None, an int or a numpy Generator; got {type(random_state).__name__}"
    raise TypeError(msg)
