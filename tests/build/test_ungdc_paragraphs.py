"""Tests for :mod:`initiative_lib.build.ungdc_paragraphs`.

Every speech below is invented for the tests; no text of the mirror is used.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import MIRROR, REPO, needs_mirror
from hypothesis import given, settings
from hypothesis import strategies as st

import initiative_lib.build.sources.ungdc as ungdc_source
import initiative_lib.build.ungdc_paragraphs as pm
from initiative_lib.build.sources.ungdc import _SENTENCE_END_RE, LONG_LINE_CHARS, speech_paragraphs, speech_paths
from initiative_lib.build.ungdc_paragraphs import ungdc_paragraph_matrix
from initiative_lib.errors import CorpusError
from initiative_lib.text.tokens import tokenize

WORDS = ["peace", "security", "cyberspace", "internet", "development"]
WORDS += ["rights", "trade", "water", "climate", "children"]


def _speech(i: int) -> str:
    """An invented speech of three hard-wrapped paragraphs and one number-only line."""
    paragraphs = []
    for j in range(3):
        words = [WORDS[(i * 7 + j * 3 + n * n) % len(WORDS)] for n in range(12 + i % 5)]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join([*paragraphs, "---"]) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "ungdc"
    codes = ["FRA", "CHN", "RUS", "USA", "BRA", "EU", "YDYE"]
    for i, code in enumerate(codes):
        session = 72 + i % 2
        path = root / f"{session}-{session + 1945}" / f"{code}_{session}_{session + 1945}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_speech(i), encoding="utf-8")
    return root


def _same(a: pm.DocumentTermMatrix, b: pm.DocumentTermMatrix) -> None:
    assert (a.counts != b.counts).nnz == 0
    assert a.counts.dtype == b.counts.dtype == np.int64
    assert a.vocab.equals(b.vocab)
    pd.testing.assert_frame_equal(a.rows, b.rows)


def test_rows_and_counts_exact(folder: Path) -> None:
    m = ungdc_paragraph_matrix(folder, cache=False)
    assert len(m.rows) == 7 * 3  # the "---" line has no token and is not a row
    assert m.rows["doc_id"].iloc[0] == "ungdc-BRA-72-2017"  # session, then file name
    assert all(seg == [1, 2, 3] for seg in m.rows.groupby("doc_id")["seg_no"].apply(list))
    assert m.vocab.tolist() == sorted(WORDS)
    fra = m.rows.index[m.rows["doc_id"].eq("ungdc-FRA-72-2017")]
    paragraph = _speech(0).split("\n\n")[1]
    expected = Counter(tokenize(paragraph))
    row = m.counts[fra[1]]
    got = {m.vocab[j]: int(v) for j, v in zip(row.indices, row.data, strict=True)}
    assert got == dict(expected)
    assert m.rows.loc[fra[1], "n_tokens"] == sum(expected.values()) == int(row.sum())
    assert m.rows.loc[m.rows["country_code"].eq("YDYE"), "country"].iloc[0] == "Democratic Yemen"
    assert dict(m.rows.dtypes.astype(str)) == {
        "doc_id": "string",
        "seg_no": "int64",
        "n_tokens": "int64",
        "country_code": "string",
        "session": "int64",
        "year": "int64",
        "country": "string",
        "region": "string",
        "subregion": "string",
    }


def test_same_matrix_for_any_jobs_and_batch_size(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = ungdc_paragraph_matrix(folder, cache=False)
    monkeypatch.setattr(pm, "BATCH_FILES", 2)
    monkeypatch.setattr(pm, "GROUP_BATCHES", 2)  # several groups of batches, merged in the workers
    _same(one, ungdc_paragraph_matrix(folder, cache=False, n_jobs=2))
    _same(one, ungdc_paragraph_matrix(folder, cache=False, n_jobs=3))


def test_sessions(folder: Path) -> None:
    m = ungdc_paragraph_matrix(folder, cache=False, sessions=[73])
    assert set(m.rows["session"]) == {73}
    assert len(m.rows) == 3 * 3


def test_cache_is_reused_and_keyed_by_content(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = ungdc_paragraph_matrix(folder)
    cached = list((pm.cache_dir() / "ungdc").glob("*.npz"))
    assert len(cached) == 1

    def fail(items: object) -> None:
        raise AssertionError("counted again although cached")

    monkeypatch.setattr(pm, "_count_batch", fail)
    monkeypatch.setattr(pm, "_count_speeches", fail)
    _same(first, ungdc_paragraph_matrix(folder))
    monkeypatch.undo()
    # a changed file is a new key: counted again
    path = folder / "72-2017" / "FRA_72_2017.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    changed = ungdc_paragraph_matrix(folder)
    assert len(changed.rows) == len(first.rows) + 1
    assert len(list((pm.cache_dir() / "ungdc").glob("*.npz"))) == 2


@pytest.mark.parametrize("n_jobs", [0, -1, 1.5, True, "2"])
def test_bad_n_jobs(folder: Path, n_jobs: object) -> None:
    with pytest.raises(ValueError, match=r"n_jobs must be an int >= 1; got"):
        ungdc_paragraph_matrix(folder, n_jobs=n_jobs, cache=False)  # type: ignore[arg-type]


def test_bad_layout_stops_before_reading(folder: Path) -> None:
    (folder / "72-2017" / "XXZ_72_2017.txt").write_text("Hello.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"XXZ_72_2017\.txt"):
        ungdc_paragraph_matrix(folder, cache=False)


@needs_mirror
def test_mirror_session_agrees_with_shipped_totals() -> None:
    """Paragraph and token totals of one session equal those of ``corpus/ungdc/speeches.csv``."""
    m = ungdc_paragraph_matrix(MIRROR / "ungdc", sessions=[73], cache=False)
    got = m.rows.groupby("doc_id").agg(n_paragraphs=("seg_no", "size"), n_tokens=("n_tokens", "sum"))
    shipped = pd.read_csv(REPO / "corpus" / "ungdc" / "speeches.csv").set_index("doc_id")
    shipped = shipped.loc[shipped["session"].eq(73), ["n_paragraphs", "n_tokens"]]
    assert len(got) == len(shipped) > 150
    assert got.to_dict("index") == shipped.to_dict("index")
    assert int(m.counts.sum()) == int(shipped["n_tokens"].sum())


def test_count_texts_agrees_with_the_corpus_counts_and_sklearn() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    from initiative_lib.corpus.matrix import from_counts
    from initiative_lib.text.tokens import TOKEN_RE, count_segment

    texts = [_speech(i) for i in range(6)] + ["", "Multi-stakeholder e-government, China's 2020 plan."]
    m = pm.count_texts(texts)
    ref = from_counts([count_segment(t).unigrams for t in texts], pd.DataFrame({"n": range(len(texts))}))
    assert m.vocab.equals(ref.vocab)
    assert (m.counts != ref.counts).nnz == 0
    assert m.rows["n_tokens"].tolist() == [count_segment(t).n_tokens for t in texts]
    skl = CountVectorizer(token_pattern=TOKEN_RE.pattern, lowercase=True)
    counts = skl.fit_transform(texts)
    assert skl.get_feature_names_out().tolist() == m.vocab.tolist()
    assert (counts != m.counts).nnz == 0


def test_count_texts_same_for_any_jobs_and_batch_size(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [_speech(i) for i in range(9)] + ["", "Only-new words here."]
    one = pm.count_texts(texts)
    monkeypatch.setattr(pm, "BATCH_TEXTS", 2)
    monkeypatch.setattr(pm, "GROUP_BATCHES", 2)
    _same(one, pm.count_texts(texts))
    _same(one, pm.count_texts(iter(texts), n_jobs=2))
    assert pm.count_texts([]).shape == (0, 0)
    with pytest.raises(ValueError, match="n_jobs must be an int >= 1; got 0"):
        pm.count_texts(texts, n_jobs=0)


_MERGE_WORDS = [*WORDS, "Zürich", "e-mail", "2030", "co--operation", "İstanbul"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_MERGE_WORDS), max_size=8).map(" ".join), max_size=12),
    st.lists(st.integers(1, 4), min_size=1, max_size=6),
    st.integers(1, 3),
)
def test_batches_merged_in_groups_equal_the_plain_counts(texts: list[str], sizes: list[int], group: int) -> None:
    # batches of several sizes, merged in groups (as in a worker process, counts sent as int32), then
    # merged again (as in the parent): the counts of tokenize and a Counter per text
    batches: list[list[str]] = []
    while sum(map(len, batches)) < len(texts):
        start = sum(map(len, batches))
        batches.append(texts[start : start + sizes[len(batches) % len(sizes)]])
    groups = [batches[i : i + group] for i in range(0, len(batches), group)]
    m = pm._assemble([pm._merge_group(pm._count_text_batch, g) for g in groups], pm._text_rows)
    counts = [Counter(tokenize(text)) for text in texts]
    vocab = sorted(set().union(*counts))
    assert m.vocab.tolist() == vocab
    assert m.counts.toarray().tolist() == [[c[t] for t in vocab] for c in counts]
    assert m.counts.dtype == np.int64
    assert m.counts.has_canonical_format
    assert m.rows["n_tokens"].tolist() == [sum(c.values()) for c in counts]


# ------------------------------------------------ the fast paragraph rule against speech_paragraphs

_LINE_PARTS = ["aaaa bbbb cccc", "dd.", "Mr. President", "ee ee;", "ff.”", "gg?)", " ", "", "hh\t ii.", "x" * 130 + "."]


def _joined(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [" ".join(" ".join(line.split()) for line in text[a:b].split("\n") if line.split()) for a, b in spans]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(_LINE_PARTS) | st.text(alphabet="ab .;:!?'\"”’»)]\t\u00a0\u2028", max_size=12), max_size=25
    ),
    st.sampled_from([10, 40, LONG_LINE_CHARS]),
)
def test_paragraph_spans_equal_speech_paragraphs(lines: list[str], long_line_chars: int) -> None:
    text = "\n".join(lines)
    spans = pm.paragraph_spans(text, long_line_chars=long_line_chars)
    assert _joined(text, spans) == speech_paragraphs(text, long_line_chars=long_line_chars)
    assert all(text[a:b] == text[a:b].strip("\n") and text[a:b].strip() for a, b in spans)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab .;:!?'\"”’»)]", max_size=8))
def test_reversed_sentence_end_equals_the_rule(line: str) -> None:
    assert bool(ungdc_source._SENTENCE_END_REVERSED_RE.match("\n" + line[::-1])) == bool(_SENTENCE_END_RE.search(line))


@needs_mirror
def test_mirror_paragraphs_equal_speech_paragraphs() -> None:
    """Every fourth mirror speech (all of them: 11 s): the fast rule's paragraphs are speech_paragraphs'."""
    from initiative_lib.text.cleaning import read_clean

    differ = []
    for path, key, _ in speech_paths(MIRROR / "ungdc")[::4]:
        text, _ = read_clean(path.read_bytes())
        if _joined(text, pm.paragraph_spans(text)) != speech_paragraphs(text):
            differ.append(key.doc_id)
    assert differ == []


@needs_mirror
def test_mirror_counts_equal_the_shipped_cyber_paragraph_counts() -> None:
    """Sessions 60-73: per-speech totals and every cyber paragraph's counts equal corpus/ungdc's."""
    from initiative_lib.corpus.features import read_features

    sessions = range(60, 74)
    m = ungdc_paragraph_matrix(MIRROR / "ungdc", sessions=sessions, cache=False, n_jobs=2)
    got = m.rows.groupby("doc_id").agg(n_paragraphs=("seg_no", "size"), n_tokens=("n_tokens", "sum"))
    shipped = pd.read_csv(REPO / "corpus" / "ungdc" / "speeches.csv").set_index("doc_id")
    shipped = shipped.loc[shipped["session"].isin(sessions), ["n_paragraphs", "n_tokens"]]
    assert got.to_dict("index") == shipped.to_dict("index")
    row_of = {(d, s): i for i, (d, s) in enumerate(zip(m.rows["doc_id"], m.rows["seg_no"], strict=True))}
    checked = 0
    for feat in read_features(REPO / "corpus" / "ungdc" / "cyber_paragraphs.jsonl.gz"):
        i = row_of.get((feat.doc_id, feat.seg_no))
        if i is None:
            continue
        row = m.counts[i]
        assert {m.vocab[j]: int(v) for j, v in zip(row.indices, row.data, strict=True)} == feat.counts.unigrams
        checked += 1
    assert checked > 400
