"""The date filter and the drop-repeats specification of the study."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.load import load_corpus
from initiative_lib.study.robustness import DEFAULT_SPECIFICATIONS
from initiative_lib.study.specification import (
    INITIATIVE,
    STUDY_DATE,
    AnalysisData,
    analysis_data,
    drop_verbatim_repeats,
    written_before,
)
from initiative_lib.text.tokens import tokenize


def test_written_before_uses_the_latest_possible_date():
    rows = pd.DataFrame(
        {
            "date": ["2020-01-01", "2020-11-01", "2020-10-01", "2020-11-17", "2020-11-18", "2019-01-01"],
            "date_precision": ["year", "month", "month", "day", "day", "year"],
        }
    )
    assert written_before(rows, "2020-11-18").tolist() == [False, False, True, True, False, True]
    # without precision, dates are days
    assert written_before(rows[["date"]], "2020-11-18").tolist() == [True, True, True, True, False, True]


@pytest.mark.parametrize(
    ("rows", "day", "message"),
    [
        (pd.DataFrame({"date": ["2020-01-01"]}), "18 Nov 2020", "ISO date"),
        (pd.DataFrame({"when": ["2020-01-01"]}), STUDY_DATE, "'date' column"),
        (pd.DataFrame({"date": ["not a date"]}), STUDY_DATE, "do not parse"),
        (pd.DataFrame({"date": ["2020-01-01"], "date_precision": ["week"]}), STUDY_DATE, "'week'"),
    ],
)
def test_written_before_errors(rows, day, message):
    with pytest.raises(ValueError, match=message):
        written_before(rows, day)


def test_written_before_on_the_corpus():
    docs = load_corpus().reset_index()
    keep = written_before(docs)
    late = docs.loc[~keep]
    # the initiative itself, 8 strategies dated after it and Malaysia 2020 (dated to the year only)
    assert set(late["group"]) == {"initiative", "strategy"}
    assert (late["group"] == "strategy").sum() == 9
    assert "strat-mys-2020" in set(late["doc_id"])


def test_drop_verbatim_repeats_exact():
    text = "Section\n\nA Title Line\n\nOne two three four five. Seven eight. One two three four five nine."
    assert drop_verbatim_repeats(text, min_tokens=5) == "One two three four five. Seven eight. | nine."
    # tokens ignore punctuation and case: "five. Six" repeats "five six"
    assert drop_verbatim_repeats("A b c d e. F g. B c d e f.", min_tokens=5, headline=False) == "A b c d e. F g. | ."
    # a repeat shorter than min_tokens stays
    assert drop_verbatim_repeats("a b c. a b c.", min_tokens=4, headline=False) == "a b c. a b c."
    # the headline is kept when asked
    assert drop_verbatim_repeats("Title\n\nBody text.", headline=False).startswith("Title")
    with pytest.raises(ValueError, match="min_tokens"):
        drop_verbatim_repeats("x", min_tokens=1)
    with pytest.raises(TypeError, match="str"):
        drop_verbatim_repeats(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(200))
def test_drop_verbatim_repeats_properties(seed):
    rng = np.random.default_rng(seed)
    words = rng.choice(["alpha", "beta", "gamma", "delta", "."], size=int(rng.integers(0, 60))).tolist()
    text = " ".join(words)
    out = drop_verbatim_repeats(text, min_tokens=3, headline=False)
    before, after = tokenize(text), tokenize(out)
    assert len(after) <= len(before)
    assert set(after) <= set(before)
    # the first occurrence of every run is kept: the first 3 tokens survive
    assert after[:3] == before[:3]
    # text without a repeated 3-token run is returned unchanged
    runs = list(zip(before, before[1:], before[2:], strict=False))
    if len(set(runs)) == len(runs):
        assert out == text


@pytest.fixture(scope="module")
def full() -> AnalysisData:
    """The headline specification's data (``analysis_data()``), computed once for this module's tests."""
    return analysis_data()


def test_drop_repeats_and_date_specifications_on_the_corpus(full):
    names = [s.name for s in DEFAULT_SPECIFICATIONS]
    assert "written before the initiative" in names
    assert "report without repeats" in names
    dated = analysis_data(raw=full.raw, before=STUDY_DATE)
    assert dated.fit.shape[0] < full.fit.shape[0]
    fit_docs = set(dated.fit.rows["doc_id"])
    assert "strat-mys-2020" not in fit_docs
    assert "strat-aut-2021" not in fit_docs
    trimmed = analysis_data(raw=full.raw, drop_repeats=True)
    assert trimmed.fit.shape == full.fit.shape
    assert trimmed.target.rows["n_tokens"].sum() < full.target.rows["n_tokens"].sum()
    assert trimmed.target.counts.sum() < full.target.counts.sum()
    assert INITIATIVE in set(trimmed.target.rows["doc_id"])
    with pytest.raises(ValueError, match="ships only as counts"):
        analysis_data(raw=full.raw, target="strat-aut-2021", drop_repeats=True)


def test_headline_preprocessing_drops_acronyms_and_leftovers(full):
    from initiative_lib.methods.preprocess import load_stopwords

    stop = load_stopwords("english+domain+places")
    named = {"ksa", "niss", "mcit", "moici", "pts"}
    assert named <= stop
    # substantive words the list keeps out on purpose
    assert not {"msmes", "isacs", "security", "sovereignty"} & stop
    vocab = set(full.fit.vocab)
    assert not named & vocab
