"""Tests of initiative_lib.study.target and the shipped lexicon of the initiative's four parts."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from helpers import TEXT_A

from initiative_lib.corpus.load import CorpusError
from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.dictionaries import LexiconError, lexicon_matches, load_lexicon
from initiative_lib.methods.keyness import keyness
from initiative_lib.methods.preprocess import rank_collocations
from initiative_lib.plots.reading import plot_parts
from initiative_lib.plots.style import COLUMN_WIDTH, plotted_data
from initiative_lib.study.target import (
    NO_PART,
    PARTS,
    PARTS_LEXICON,
    assign_parts,
    framing_comparison,
    g2_threshold,
    load_parts_lexicon,
    paragraph_matrix,
    parts_matches,
    split_paragraphs,
    target_keyness,
    target_paragraphs,
    target_phrases,
    target_text,
    text_matches,
    top_content_terms,
)
from initiative_lib.text.tokens import count_segment, tokenize


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def matrix(texts, n_tokens=None):
    """A segment-level matrix (unigrams and bigrams) of invented texts, one row each."""
    counts = [count_segment(t) for t in texts]
    rows = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "seg_no": 1,
            "n_tokens": n_tokens or [c.n_tokens for c in counts],
        }
    )
    return from_counts([{**c.unigrams, **c.bigrams} for c in counts], rows)


# --- paragraphs ----------------------------------------------------------------------------


def test_split_paragraphs_exact():
    text = "Headline here\n\nFirst line,\nsame paragraph.\n \n\nSecond: two-part words!\n"
    out = split_paragraphs(text)
    assert out.columns.tolist() == ["paragraph", "text", "n_tokens"]
    assert out["paragraph"].tolist() == [1, 2, 3]
    assert out["text"].tolist() == ["Headline here", "First line, same paragraph.", "Second: two-part words!"]
    assert out["n_tokens"].tolist() == [2, 4, 3]


def test_split_paragraphs_cleans_like_the_build():
    out = split_paragraphs("Line one\r\n\r\nLine two")
    assert out["text"].tolist() == ["Line one", "Line two"]


def test_split_paragraphs_empty_and_errors():
    empty = split_paragraphs("")
    assert empty.empty
    assert empty.columns.tolist() == ["paragraph", "text", "n_tokens"]
    with pytest.raises(TypeError, match="text must be a string"):
        split_paragraphs(None)


def test_initiative_paragraphs_shipped_text():
    paras = target_paragraphs()
    assert len(paras) == 10
    assert int(paras["n_tokens"].sum()) == 482
    assert paras["text"].iloc[0] == "World"
    assert paras["text"].iloc[5].startswith("The initiative includes four parts")
    # the paragraphs are the whole text: the same tokens in the same order
    joined = [t for p in paras["text"] for t in tokenize(p)]
    assert joined == tokenize(target_text())


def test_initiative_text_of_a_user_corpus_and_errors(tiny_corpus):
    assert target_text(doc_id="tiny-text", corpus_dir=tiny_corpus) == TEXT_A
    paras = target_paragraphs(doc_id="tiny-text", corpus_dir=tiny_corpus)
    assert paras["text"].iloc[0] == "Open networks help every community."
    with pytest.raises(CorpusError, match="ships as counts only"):
        target_text(doc_id="tiny-feat-a", corpus_dir=tiny_corpus)
    with pytest.raises(CorpusError, match="no document with doc_id 'nope'"):
        target_text(doc_id="nope", corpus_dir=tiny_corpus)


# --- the parts lexicon ---------------------------------------------------------------------


def test_parts_lexicon_validates_with_the_framing_rules():
    lex = load_lexicon(PARTS_LEXICON)
    assert tuple(dict.fromkeys(lex["category"])) == PARTS
    assert load_parts_lexicon().equals(lex)
    sizes = lex.groupby("category").size()
    assert sizes.between(10, 25).all(), sizes.to_dict()
    # each part's own name is an entry of its category
    names = {
        "shared_development": "shared development",
        "common_security": "common security",
        "joint_governance": "joint governance",
        "shared_benefits": "benefits together",
    }
    for category, entry in names.items():
        assert entry in set(lex.loc[lex["category"] == category, "entry"])
    # an entry belongs to one part only
    assert not lex["entry"].duplicated().any(), lex.loc[lex["entry"].duplicated(), "entry"].tolist()
    # cooperation runs through every part and is deliberately left out
    assert not lex["entry"].str.startswith("cooperat").any()


def test_load_parts_lexicon_rejects_a_bad_file(tmp_path):
    bad = tmp_path / "parts.csv"
    bad.write_text("category,entry,notes\ncommon_security,peace and security talks,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"row 2, field 'entry'.*one or two words"):
        load_parts_lexicon(bad)


# --- assigning paragraphs to parts ---------------------------------------------------------

INVENTED = [
    "We must speed up infrastructure construction and grow the digital economy.",
    "Peace and stability matter; we oppose attacks and deterrence.",
    "Governance should be multilateral, based on consultation and dialogue.",
    "Help vulnerable groups, narrow the digital divide and expand trade.",
    "Security and governance.",
    "The weather was fine.",
]


def test_assign_parts_on_invented_paragraphs():
    out = assign_parts(INVENTED)
    assert out.columns.tolist() == ["paragraph", "n_tokens", *PARTS, "total", "part"]
    assert out["paragraph"].tolist() == [1, 2, 3, 4, 5, 6]
    assert out[list(PARTS)].to_numpy().tolist() == [
        [3, 0, 0, 0],  # infrastructure, construction, digital economy
        [0, 4, 0, 0],  # peace, stability, attacks, deterrence
        [0, 0, 4, 0],  # governance, multilateral, consultation, dialogue
        [0, 0, 0, 3],  # vulnerable, digital divide, trade
        [0, 1, 1, 0],
        [0, 0, 0, 0],
    ]
    assert out["total"].tolist() == [3, 4, 4, 3, 2, 0]
    assert out["part"].tolist() == [
        "shared_development",
        "common_security",
        "joint_governance",
        "shared_benefits",
        "common_security + joint_governance",
        NO_PART,
    ]
    assert out["n_tokens"].tolist() == [count_segment(p).n_tokens for p in INVENTED]


def test_assign_parts_counts_a_part_name_once():
    # "shared development" is a phrase entry and "develop*" a prefix of the same part: one match, not two
    out = assign_parts(["Achieving shared development."])
    assert out["shared_development"].item() == 1


def test_assign_parts_accepts_frames_and_series_and_keeps_numbers():
    frame = pd.DataFrame({"paragraph": [7, 9], "text": ["Trade and e-commerce.", "Cybersecurity."]})
    out = assign_parts(frame)
    assert out["paragraph"].tolist() == [7, 9]
    assert out["part"].tolist() == ["shared_benefits", "common_security"]
    series = pd.Series(["Trade and e-commerce.", "Cybersecurity."], index=[7, 9])
    pd.testing.assert_frame_equal(assign_parts(series), out)
    unnumbered = assign_parts(frame[["text"]])
    assert unnumbered["paragraph"].tolist() == [1, 2]


def test_assign_parts_with_an_own_lexicon():
    lex = pd.DataFrame({"category": ["tech", "tech", "people"], "entry": ["tech for", "5g", "citizens"]})
    out = assign_parts(["Tech for Good and 5G.", "Citizens first."], lex)
    assert out.columns.tolist() == ["paragraph", "n_tokens", "tech", "people", "total", "part"]
    assert out[["tech", "people"]].to_numpy().tolist() == [[2, 0], [0, 1]]


@pytest.mark.parametrize(
    ("paragraphs", "error", "match"),
    [
        ([], ValueError, "paragraphs is empty"),
        ("One string.", TypeError, "a list of strings"),
        (42, TypeError, "got int"),
        (["fine", None], TypeError, "paragraph 2 must be a string"),
        (pd.DataFrame({"body": ["x"]}), ValueError, "lacks a 'text' column"),
        (pd.DataFrame({"paragraph": [1, 1], "text": ["a", "b"]}), ValueError, r"unique; repeated: \[1\]"),
    ],
)
def test_assign_parts_errors(paragraphs, error, match):
    with pytest.raises(error, match=match):
        assign_parts(paragraphs)


def test_assign_parts_rejects_a_bad_lexicon():
    with pytest.raises(LexiconError, match="lower case"):
        assign_parts(["x"], pd.DataFrame({"category": ["a"], "entry": ["Peace"]}))
    with pytest.raises(TypeError, match="lexicon must be a DataFrame"):
        assign_parts(["x"], 3)


def test_assign_parts_on_the_shipped_report():
    parts = assign_parts(target_paragraphs())
    # the paragraph naming the four parts scores on all four
    summary = parts.loc[parts["paragraph"] == 6, list(PARTS)]
    assert (summary.to_numpy() > 0).all()
    # headline, section label and byline paragraphs match nothing
    assert parts.loc[parts["paragraph"].isin([1, 2, 4]), "part"].eq(NO_PART).all()


def test_paragraph_matrix_and_parts_matches():
    m = paragraph_matrix(pd.Series(["Peace and security.", "Security first."], index=[3, 4]))
    assert m.rows["doc_id"].tolist() == ["3", "4"]
    assert m.rows["paragraph"].tolist() == [3, 4]
    out = parts_matches(["Peace and security.", "Security first, security always."])
    assert out[["category", "entry", "term", "count", "n_rows"]].to_numpy().tolist() == [
        ["common_security", "security", "security", 3, 2],
        ["common_security", "peace*", "peace", 1, 1],
    ]


# --- the parts figure ----------------------------------------------------------------------


def test_plot_parts_attaches_tidy_data_and_keeps_global_style():
    before = dict(matplotlib.rcParams)
    parts = assign_parts(INVENTED[:3])
    fig = plot_parts(parts)
    data = plotted_data(fig)
    assert data.columns.tolist() == ["paragraph", "n_tokens", "category", "matches", "part"]
    assert len(data) == 3 * len(PARTS)
    assert data["category"].tolist()[:4] == list(PARTS)
    assert data["matches"].tolist()[:4] == [3, 0, 0, 0]
    assert fig.get_figwidth() == pytest.approx(COLUMN_WIDTH)
    after = dict(matplotlib.rcParams)
    assert [k for k in before if str(before[k]) != str(after[k])] == []


def test_plot_parts_errors():
    with pytest.raises(TypeError, match="must be a DataFrame"):
        plot_parts([1, 2])
    with pytest.raises(ValueError, match="missing columns"):
        plot_parts(pd.DataFrame({"paragraph": [1]}))
    no_scores = pd.DataFrame({"paragraph": [1], "n_tokens": [3], "total": [0], "part": [NO_PART]})
    with pytest.raises(ValueError, match="no score columns"):
        plot_parts(no_scores)


# --- words and phrases ---------------------------------------------------------------------


def test_content_terms_exact():
    m = matrix(["The cyber peace of the 2020 world.", "Cyber cyber and a peace."])
    out = top_content_terms(m)
    assert out.columns.tolist() == ["term", "count", "rows", "per_1000"]
    assert out[["term", "count", "rows"]].to_numpy().tolist() == [["cyber", 3, 2], ["peace", 2, 2], ["world", 1, 1]]
    # rates per 1,000 tokens of the rows, stopwords included (12 tokens)
    assert out["per_1000"].tolist() == pytest.approx([250.0, 2000 / 12, 1000 / 12])
    only_first = top_content_terms(m, [True, False], n=1)
    assert only_first[["term", "count"]].to_numpy().tolist() == [["cyber", 1]]
    assert top_content_terms(m, stopwords=None, n=1)["term"].item() == "cyber"
    assert "the" in set(top_content_terms(m, stopwords=["cyber"], n=None)["term"])


def test_content_terms_errors():
    m = matrix(["Cyber peace."])
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        top_content_terms(m, n=0)
    with pytest.raises(ValueError, match="one entry per row"):
        top_content_terms(m, [True, False])


def test_initiative_phrases_exact_and_scored_on_the_whole_matrix():
    texts = [
        "The digital economy grows. Human rights apply.",
        "Digital economy, digital economy and human rights.",
        "Open trade helps the digital economy.",
    ]
    m = matrix(texts)
    out = target_phrases(m, [True, False, False])
    assert out.columns.tolist() == ["bigram", "count", "rows", "corpus_count", "g2", "pmi", "positive"]
    # "the digital" has a stopword and is left out; ties on count are ordered by corpus-wide G2
    assert out["bigram"].tolist() == ["digital economy", "human rights", "rights apply", "economy grows"]
    assert out["count"].tolist() == [1, 1, 1, 1]
    assert out["corpus_count"].tolist() == [4, 2, 1, 1]
    expected = rank_collocations(m, min_count=1).set_index("bigram")
    assert out["g2"].tolist() == pytest.approx(expected.loc[out["bigram"], "g2"].tolist())
    by_g2 = target_phrases(m, [True, False, False], order="g2")
    assert by_g2["g2"].is_monotonic_decreasing


def test_initiative_phrases_errors_and_empty():
    m = matrix(["Digital economy.", "The of."])
    assert target_phrases(m, [False, True]).empty
    with pytest.raises(ValueError, match="order must be"):
        target_phrases(m, [True, False], order="pmi")
    with pytest.raises(ValueError, match="selects no rows"):
        target_phrases(m, [False, False])
    unigrams = m.select_terms(np.array([" " not in t for t in m.vocab]))
    with pytest.raises(ValueError, match="ngrams='both'"):
        target_phrases(unigrams, [True, False])


def test_initiative_keyness_drops_stopwords_but_keeps_token_totals():
    m = matrix(["The cyber cyber cyber of peace.", "The the of of law law peace."])
    out = target_keyness(m, [True, False], min_count=1)
    assert set(out["term"]) == {"cyber", "peace", "law"}
    assert out["target_total"].unique().tolist() == [6]
    raw = keyness(m, [True, False], min_count=1).set_index("term")
    for term in ("cyber", "peace", "law"):
        assert out.set_index("term").loc[term, "g2"] == pytest.approx(raw.loc[term, "g2"])
    assert out["term"].iloc[0] == "cyber"


def test_g2_threshold():
    assert g2_threshold(0.05) == pytest.approx(3.841459, abs=1e-6)
    assert g2_threshold(0.05, n_tests=10) == pytest.approx(g2_threshold(0.005))
    with pytest.raises(ValueError, match="alpha"):
        g2_threshold(1.5)
    with pytest.raises(ValueError, match="n_tests"):
        g2_threshold(0.05, n_tests=0)


# --- framing -------------------------------------------------------------------------------


def test_framing_comparison_exact():
    g = pd.DataFrame(
        {
            "group": ["a", "a", "b", "b", "c", "c"],
            "category": ["x", "y"] * 3,
            "matches": [4, 0, 30, 20, 5, 5],
            "rate": [8.0, 0.0, 3.0, 2.0, 7.0, 1.0],
            "ci_low": [np.nan, np.nan, 2.0, 1.0, 5.0, np.nan],
            "ci_high": [np.nan, np.nan, 4.0, 3.0, 9.0, np.nan],
        }
    )
    out = framing_comparison(g, target="a")
    assert out.columns.tolist() == ["category", "matches", "rate", "b", "c", "above", "below"]
    assert out["matches"].tolist() == [4, 0]
    assert out["b"].tolist() == [3.0, 2.0]
    # c's interval [5, 9] contains 8; c has no interval for y, so it is never listed there
    assert out["above"].tolist() == ["b", ""]
    assert out["below"].tolist() == ["", "b"]


def test_framing_comparison_errors():
    g = pd.DataFrame({"group": ["a"], "category": ["x"], "matches": [1], "rate": [1.0], "ci_low": [1.0]})
    with pytest.raises(ValueError, match=r"lacks columns \['ci_high'\]"):
        framing_comparison(g, target="a")
    g["ci_high"] = 2.0
    with pytest.raises(ValueError, match="target 'initiative' is not a value"):
        framing_comparison(g)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        framing_comparison([1])


def test_text_matches_equals_lexicon_matches_of_the_rows():
    m = matrix(["Human rights and privacy.", "Sovereignty and security.", "Privacy, privacy."])
    mask = np.array([True, False, True])
    out = text_matches(m, mask)
    pd.testing.assert_frame_equal(out, lexicon_matches(m.select_rows(mask)))
    assert out.loc[out["term"] == "privacy", ["count", "n_rows"]].to_numpy().tolist() == [[3, 2]]
