"""The shipped UN General Debate data: totals per speech and cyber-paragraph counts."""

from __future__ import annotations

import shutil

import pytest

from initiative_lib.corpus.debates import debate_matrix, load_debate_speeches
from initiative_lib.corpus.load import checksum_lines
from initiative_lib.errors import CorpusError
from initiative_lib.paths import DEFAULT_CORPUS_DIR


def test_speeches_cover_the_whole_general_debate():
    speeches = load_debate_speeches()
    assert len(speeches) == 8093
    assert speeches.index.is_unique
    assert speeches["year"].between(1970, 2018).all()
    assert (speeches["year"] == speeches["session"] + 1945).all()
    assert (speeches["n_cyber_paragraphs"] <= speeches["n_paragraphs"]).all()
    assert (speeches["n_cyber_tokens"] <= speeches["n_tokens"]).all()
    assert speeches["region"].notna().all()
    assert speeches["source_url"].str.startswith("https://raw.githubusercontent.com/fr48/unga/").all()
    assert {"EU", "YDYE", "CSK", "DDR", "YUG"} <= set(speeches["country_code"])


def test_matrix_rows_are_the_cyber_paragraphs():
    speeches = load_debate_speeches()
    m = debate_matrix(ngrams="both")
    assert m.shape[0] == int(speeches["n_cyber_paragraphs"].sum())
    per_speech = m.rows.groupby("doc_id")["n_tokens"].sum()
    expected = speeches.loc[per_speech.index, "n_cyber_tokens"]
    assert (per_speech.to_numpy() == expected.to_numpy()).all()
    assert int(m.counts[:, ~m.vocab.str.contains(" ")].sum()) == int(m.rows["n_tokens"].sum())
    assert m.rows["patterns"].str.len().gt(0).all()


def test_bad_speeches_table_is_rejected(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR, root)
    path = root / "ungdc" / "speeches.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    fields = lines[1].rstrip("\n").split(",")
    fields[header.index("n_tokens")] = "many"
    lines[1] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    (root / "SHA256SUMS").write_text(checksum_lines(root), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"speeches.csv, row 2, field 'n_tokens': value 'many'"):
        load_debate_speeches(corpus_dir=root)
    path.unlink()
    (root / "SHA256SUMS").write_text(checksum_lines(root), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"speeches\.csv: not found"):
        load_debate_speeches(corpus_dir=root)


def test_cyber_share_exact_case():
    import pandas as pd

    from initiative_lib.corpus.debates import cyber_share

    s = pd.DataFrame(
        {
            "year": [1999, 2000, 2000],
            "region": ["A", "A", "B"],
            "n_paragraphs": [5, 10, 30],
            "n_cyber_paragraphs": [5, 1, 3],
        }
    )
    out = cyber_share(s, first_year=2000)
    assert out.to_dict("records") == [
        {"year": 2000, "n_speeches": 2, "n_paragraphs": 40, "n_cyber_paragraphs": 4, "share": 0.1}
    ]
    with pytest.raises(ValueError, match=r"speeches lacks columns \['region2'\]"):
        cyber_share(s, by="region2")


def test_by_country_relabels_and_filters():
    from initiative_lib.corpus.debates import by_country

    m = debate_matrix()
    c = by_country(m, min_tokens=800)
    totals = c.rows.groupby("doc_id")["n_tokens"].sum()
    assert (totals >= 800).all()
    assert list(c.rows["doc_id"]) == sorted(c.rows["doc_id"])
    assert not c.rows.duplicated(["doc_id", "seg_no"]).any()
    assert (c.rows["group"] == c.rows["region"]).all()
    assert int(c.counts.sum()) == int(m.counts[m.rows["country_code"].isin(totals.index).to_numpy()].sum())
    with pytest.raises(ValueError, match="min_tokens must be an int >= 0"):
        by_country(m, min_tokens=-1)


def test_stack_keeps_rows_and_counts():
    import pandas as pd

    from initiative_lib.corpus.matrix import from_counts, stack

    a = from_counts([{"x": 1, "y": 1}], pd.DataFrame({"doc_id": ["a"], "n_tokens": [2], "group": ["g"]}))
    b = from_counts([{"y": 2, "z": 1}], pd.DataFrame({"doc_id": ["b"], "n_tokens": [3]}))
    s = stack(a, b)
    assert s.vocab.tolist() == ["x", "y", "z"]
    assert s.counts.toarray().tolist() == [[1, 1, 0], [0, 2, 1]]
    assert s.rows["group"].isna().tolist() == [False, True]
    with pytest.raises(ValueError, match="at least one"):
        stack()
