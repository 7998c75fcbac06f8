"""Tests of initiative_lib.methods.dictionaries and the shipped framing lexicon."""

import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.dictionaries import (
    FRAMING_LEXICON,
    LexiconError,
    dictionary_rates,
    group_rates,
    lexicon_matches,
    load_lexicon,
    validate_lexicon,
)
from initiative_lib.text.tokens import count_segment

CATEGORIES = [
    "sovereignty",
    "state_control",
    "multistakeholder",
    "human_rights",
    "security",
    "development",
    "economy",
    "multilateralism",
    "international_law",
    "cooperation",
    "capacity_building",
]


def dtm_from_texts(texts, groups=None, bigrams=True):
    """Build a segment-level matrix from invented texts (one segment each)."""
    counts, n_tokens = [], []
    for text in texts.values():
        c = count_segment(text)
        counts.append({**c.unigrams, **(c.bigrams if bigrams else {})})
        n_tokens.append(c.n_tokens)
    rows = pd.DataFrame({"doc_id": list(texts), "seg_no": 1, "n_tokens": n_tokens})
    if groups is not None:
        rows["group"] = groups
    return from_counts(counts, rows)


def write(tmp_path, text):
    path = tmp_path / "lex.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped lexicon -------------------------------------------------------------------


def test_shipped_lexicon_loads_with_expected_categories():
    lex = load_lexicon()
    assert list(dict.fromkeys(lex["category"])) == CATEGORIES
    sizes = lex.groupby("category").size()
    assert sizes.between(15, 40).all(), sizes.to_dict()
    assert set(lex["kind"]) == {"unigram", "prefix", "bigram"}
    assert (lex["entry"].str.split(" ").str.len() <= 2).all()


def test_shipped_lexicon_is_documented():
    doc = (FRAMING_LEXICON.parent / "FRAMING_LEXICON.md").read_text(encoding="utf-8")
    for category in CATEGORIES:
        assert f"`{category}`" in doc
    sizes = load_lexicon().groupby("category", sort=False).size()
    for category, n in sizes.items():
        assert f"{category} {n}" in doc.replace("\n", " ")


def test_shipped_lexicon_entries_unique_across_categories():
    lex = load_lexicon()
    assert not lex["entry"].duplicated().any()


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ("category,entry,weight\nx,a,1\n", r"unknown columns \['weight'\]"),
        ("category,notes\nx,a\n", r"missing columns \['entry'\]"),
        ("category,entry,notes\nx,,\n", r"row 2, field 'entry'.*empty entry"),
        ("category,entry,notes\nx,privacy,\nx,privacy,\n", r"row 3, field 'entry'.*duplicate entry 'privacy'.*row 2"),
        (
            "category,entry,notes\nx,freedom of expression,\n",
            r"row 2, field 'entry'.*'freedom of expression'.*one or two words",
        ),
        ("category,entry,notes\nx,Privacy,\n", r"'Privacy'; expected lower case"),
        ("category,entry,notes\nx,so*,\n", r"'so\*'.*at least 3 characters"),
        ("category,entry,notes\nx,human* rights,\n", r"'\*' only at the end of a single word"),
        ("category,entry,notes\nx,data/privacy,\n", r"'data/privacy'; expected tokens of letters or digits"),
        ("category,entry,notes\nHuman Rights,privacy,\n", r"row 2, field 'category'.*'Human Rights'"),
        ("category,entry,notes\nx, privacy,\n", r"no leading, trailing or repeated white space"),
    ],
)
def test_load_lexicon_errors_name_file_row_field(tmp_path, body, pattern):
    path = write(tmp_path, body)
    with pytest.raises(LexiconError, match=pattern) as info:
        load_lexicon(path)
    assert str(path) in str(info.value)


def test_load_lexicon_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_lexicon(tmp_path / "nope.csv")


def test_load_lexicon_without_notes_column(tmp_path):
    lex = load_lexicon(write(tmp_path, "category,entry\nx,privacy\nx,human rights\nx,sovereign*\n"))
    assert lex["kind"].tolist() == ["unigram", "bigram", "prefix"]
    assert lex["notes"].tolist() == ["", "", ""]


def test_same_entry_allowed_in_two_categories():
    lex = validate_lexicon(pd.DataFrame({"category": ["a", "b"], "entry": ["trust", "trust"]}))
    assert len(lex) == 2


# --- counting ------------------------------------------------------------------------------


def test_rates_exact_small_case():
    texts = {"d1": "We defend human rights and rights of users. Privacy matters to human beings."}
    m = dtm_from_texts(texts)
    lex = pd.DataFrame({"category": ["hr"] * 4, "entry": ["human rights", "rights", "privacy", "human*"]})
    out = dictionary_rates(m, lex)
    # tokens: 13. unigram matches: human x2, rights x2, privacy x1 = 5; bigram "human rights" x1 covers 2 -> 5 + 1 - 2
    assert out["matches"].tolist() == [4]
    assert out["n_tokens"].tolist() == [13]
    assert out["rate"].tolist() == pytest.approx([1000 * 4 / 13])


def test_no_double_counting_when_only_bigram_listed():
    m = dtm_from_texts({"d": "Human rights online. Rights offline."})
    lex = pd.DataFrame({"category": ["hr"], "entry": ["human rights"]})
    assert dictionary_rates(m, lex)["matches"].tolist() == [1]


def test_prefix_and_exact_overlap_counts_once():
    m = dtm_from_texts({"d": "Sovereignty and sovereign equality."})
    lex = pd.DataFrame({"category": ["s", "s"], "entry": ["sovereign*", "sovereignty"]})
    assert dictionary_rates(m, lex)["matches"].tolist() == [2]


def test_categories_are_not_exclusive():
    m = dtm_from_texts({"d": "The Security Council discussed security."})
    lex = pd.DataFrame({"category": ["sec", "un"], "entry": ["security", "security council"]})
    out = dictionary_rates(m, lex).set_index("category")
    assert out.loc["sec", "matches"] == 2
    assert out.loc["un", "matches"] == 1


def test_rates_long_format_and_segments():
    texts = {"a": "Cyber sovereignty and cooperation.", "b": "Human rights, human rights, privacy."}
    m = dtm_from_texts(texts)
    out = dictionary_rates(m)
    assert list(out.columns) == ["doc_id", "seg_no", "category", "matches", "n_tokens", "rate"]
    assert len(out) == 2 * len(CATEGORIES)
    wide = out.pivot_table(index="doc_id", columns="category", values="matches", aggfunc="sum")
    assert wide.loc["a", "sovereignty"] == 1
    assert wide.loc["a", "cooperation"] == 1
    assert wide.loc["b", "human_rights"] == 3


def test_bigram_lexicon_needs_bigram_matrix():
    m = dtm_from_texts({"d": "Human rights matter."}, bigrams=False)
    with pytest.raises(LexiconError, match=r"two-word entries .*no bigram columns.*ngrams='both'.*unigrams_only=True"):
        dictionary_rates(m)
    out = dictionary_rates(m, unigrams_only=True)
    assert out.set_index("category").loc["human_rights", "matches"] == 0


def test_lexicon_argument_types(tmp_path):
    m = dtm_from_texts({"d": "privacy"})
    path = write(tmp_path, "category,entry,notes\np,privacy,\n")
    assert dictionary_rates(m, path)["matches"].tolist() == [1]
    assert dictionary_rates(m, str(path))["matches"].tolist() == [1]
    with pytest.raises(TypeError, match="lexicon must be a DataFrame, a path or None; got list"):
        dictionary_rates(m, ["privacy"])


def test_lexicon_matches_reports_terms():
    m = dtm_from_texts({"a": "Sovereignty, sovereign states.", "b": "Sovereignty."})
    out = lexicon_matches(m)
    sov = out[out["entry"] == "sovereign*"].set_index("term")
    assert sov.loc["sovereignty", "count"] == 2
    assert sov.loc["sovereignty", "n_rows"] == 2
    assert sov.loc["sovereign", "count"] == 1


# --- group rates ---------------------------------------------------------------------------


@pytest.fixture
def rates_and_rows():
    texts = {
        "ini": "Cyber sovereignty. Respect sovereignty and cooperation.",
        "s1": "Security threats and cyber attacks. Security matters.",
        "s2": "Security and privacy. Threats grow.",
        "s3": "Sovereignty and security and cooperation.",
    }
    m = dtm_from_texts(texts, groups=["initiative", "strategy", "strategy", "strategy"])
    return dictionary_rates(m), m.rows


def test_group_rates_estimates_and_cis(rates_and_rows):
    rates, rows = rates_and_rows
    out = group_rates(rates, rows, n_boot=500, random_state=3)
    assert list(out.columns) == ["group", "category", "n_units", "n_tokens", "matches", "rate", "ci_low", "ci_high"]
    sec = out[(out["group"] == "strategy") & (out["category"] == "security")].iloc[0]
    doc_rates = rates[(rates["category"] == "security") & (rates["doc_id"] != "ini")]["rate"]
    assert sec["rate"] == pytest.approx(doc_rates.mean())
    assert sec["n_units"] == 3
    assert sec["ci_low"] <= sec["rate"] <= sec["ci_high"]
    assert doc_rates.min() <= sec["ci_low"]
    assert sec["ci_high"] <= doc_rates.max()
    ini = out[out["group"] == "initiative"]
    assert ini["ci_low"].isna().all()  # one document: no interval
    pooled = group_rates(rates, rows, n_boot=0, weighting="token")
    sub = rates[(rates["category"] == "security") & (rates["doc_id"] != "ini")]
    row = pooled[(pooled["group"] == "strategy") & (pooled["category"] == "security")].iloc[0]
    assert row["rate"] == pytest.approx(1000 * sub["matches"].sum() / sub["n_tokens"].sum())
    assert np.isnan(row["ci_low"])


def test_group_rates_deterministic(rates_and_rows):
    rates, rows = rates_and_rows
    a = group_rates(rates, rows, n_boot=200, random_state=7)
    b = group_rates(rates, rows, n_boot=200, random_state=7)
    pd.testing.assert_frame_equal(a, b)


def test_group_rates_segment_unit():
    rows = pd.DataFrame({"doc_id": ["ini"] * 3, "seg_no": [1, 2, 3], "n_tokens": [10, 10, 20], "group": "initiative"})
    m = from_counts([{"privacy": 1}, {"privacy": 3}, {"trade": 2}], rows)
    lex = pd.DataFrame({"category": ["hr"], "entry": ["privacy"]})
    rates = dictionary_rates(m, lex)
    out = group_rates(rates, rows, unit="segment", n_boot=300, random_state=0)
    assert out["n_units"].tolist() == [3]
    assert out["rate"].tolist() == pytest.approx([(100 + 300 + 0) / 3])
    assert out["ci_low"].item() < out["ci_high"].item()
    doc = group_rates(rates, rows, unit="document", n_boot=300, random_state=0)
    assert doc["n_units"].tolist() == [1]
    assert doc["rate"].tolist() == pytest.approx([100.0])


def test_group_rates_errors(rates_and_rows):
    rates, rows = rates_and_rows
    with pytest.raises(ValueError, match=r"rates lacks columns \['matches'\]"):
        group_rates(rates.drop(columns="matches"), rows)
    with pytest.raises(ValueError, match=r"unit must be one of .*got 'paragraph'"):
        group_rates(rates, rows, unit="paragraph")
    with pytest.raises(ValueError, match="ci must be between 0 and 1; got 95"):
        group_rates(rates, rows, ci=95)
    with pytest.raises(ValueError, match="rows must have columns 'doc_id' and 'sector'"):
        group_rates(rates, rows, by="sector")
    with pytest.raises(ValueError, match="missing from rows"):
        group_rates(rates, rows[rows["doc_id"] != "s1"])
    with pytest.raises(ValueError, match="n_boot must be an int >= 0"):
        group_rates(rates, rows, n_boot=-5)
