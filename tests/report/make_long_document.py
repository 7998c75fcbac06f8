"""Write a synthetic long English document from the shipped initiative text (for timing ``compare``).

The initiative's sentences are shuffled with a fixed seed and repeated, in
paragraphs of five sentences, until the text holds at least ``--words``
tokens. The text is the package's own shipped text; nothing comes from the
mirror.

    python tests/report/make_long_document.py /tmp/long.txt --words 10000
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from initiative_lib.study import target_text
from initiative_lib.text.tokens import tokenize


def long_document(words: int, seed: int = 0) -> str:
    """At least ``words`` tokens of shuffled initiative sentences, five to a paragraph."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(target_text().split())) if s.strip()]
    rng = np.random.default_rng(seed)
    out: list[str] = []
    n = 0
    while n < words:
        for i in rng.permutation(len(sentences)):
            out.append(sentences[i])
            n += len(tokenize(sentences[i]))
            if n >= words:
                break
    paragraphs = [" ".join(out[i : i + 5]) for i in range(0, len(out), 5)]
    return "\n\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--words", type=int, default=10_000)
    args = parser.parse_args()
    Path(args.out).write_text(long_document(args.words), encoding="utf-8")


if __name__ == "__main__":
    main()
