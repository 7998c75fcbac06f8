"""compare() with the comparison segments' full texts fetched from the mirror (a file of its own, so
that the test command's two processes can run it beside tests/report/test_compare.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import MIRROR, needs_mirror

from initiative_lib.build.fetch import fetch_texts
from initiative_lib.paths import DEFAULT_CORPUS_DIR
from initiative_lib.report import compare
from initiative_lib.study.specification import INITIATIVE
from initiative_lib.text.tokens import tokenize

INITIATIVE_FILE = DEFAULT_CORPUS_DIR / "texts" / f"{INITIATIVE}.txt"


@pytest.mark.mirror
@needs_mirror
def test_fetched_comparison_texts_appear_in_the_alignment(tmp_path):
    cache = tmp_path / "cache"
    declarations = ["decl-usa-intl-strategy-cyberspace-2011", "decl-rus-infosec-doctrine-2000"]
    fetch_texts(cache_dir=cache, mirror=MIRROR, doc_ids=declarations)
    # only the tables are read: no figures drawn (figures=False writes the same tables, tests/report/test_compare.py)
    out = compare(INITIATIVE_FILE, title="The initiative", out_dir=tmp_path / "out", cache=cache, figures=False)
    passages = pd.read_csv(out / "tables" / "passages.csv", keep_default_na=False, na_values=[""])
    fetched = passages["doc_id"].isin(declarations)
    assert fetched.any()
    assert passages.loc[fetched, "text"].notna().all()
    assert passages.loc[~fetched, "text"].isna().all()
    for text, shared in zip(passages.loc[fetched, "text"], passages.loc[fetched, "shared_terms"], strict=True):
        words = set(tokenize(text))
        assert all(term in words for term in shared.split("; ") if term)
