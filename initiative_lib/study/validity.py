"""The study's validity checks, in one place for notebook 07.

* :func:`debate_positions`: each country's framing position from its UN General
  Debate paragraphs on cyberspace (the input of the external validation);
* :func:`validation_influence`: the leave-one-entry-out influence of each axis
  entry on the external validation (AUC) and on the Russian doctrine's and the
  Paris Call's positions;
* :func:`target_rate_intervals`: the target's count and rate per framing
  category with exact Poisson (Garwood) intervals, zero counts included, and
  the exact test of its rate against each group's pooled rate;
* :class:`FramingStatistic`: category rates and the axis position of a vector
  of counts, for :func:`~initiative_lib.methods.baselines.length_matched_baseline`.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from initiative_lib.constants import PER
from initiative_lib.corpus.debates import by_country, debate_matrix
from initiative_lib.corpus.matrix import DocumentTermMatrix, from_counts, stack
from initiative_lib.methods.dictionaries import LexiconCounter, LexiconError, as_lexicon, dictionary_rates
from initiative_lib.methods.intervals import poisson_interval, rate_test
from initiative_lib.study.external import external_validation
from initiative_lib.study.framing import FRAMING_AXES, POSITION_SMOOTHING, axis_positions, entry_influence
from initiative_lib.study.specification import INITIATIVE

RUSSIAN_DOCTRINE = "decl-rus-infosec-doctrine-2000"
PARIS_CALL = "decl-paris-call-2018"


def debate_positions(
    *,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    n_boot: int = 0,
    random_state: int | np.random.Generator | None = None,
    corpus_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Each country's framing position from its General Debate cyber paragraphs (1970-2018).

    Returns
    -------
    DataFrame
        :data:`~initiative_lib.study.framing.POSITION_COLUMNS`, ``doc_id`` = ISO3 code.

    Examples
    --------
    >>> pos = debate_positions()
    >>> bool(pos.set_index("doc_id").loc["RUS", "position"] > 0)
    True
    """
    gd = by_country(debate_matrix(ngrams="both", corpus_dir=corpus_dir))
    return axis_positions(dictionary_rates(gd, lexicon), n_boot=n_boot, random_state=random_state)


def _position(rates: pd.DataFrame, doc_id: str) -> float:
    sel = rates[rates["doc_id"] == doc_id].groupby("category")["matches"].sum()
    s = sum(float(sel.get(c, 0)) for c in FRAMING_AXES["sovereign_controlled"])
    o = sum(float(sel.get(c, 0)) for c in FRAMING_AXES["open_global"])
    return float(np.log((s + POSITION_SMOOTHING) / (o + POSITION_SMOOTHING)))


def validation_influence(
    documents: DocumentTermMatrix,
    debate: DocumentTermMatrix,
    *,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Leave each axis entry out in turn: the AUC of the external validation and two anchor positions.

    Parameters
    ----------
    documents : DocumentTermMatrix
        Document rows of the corpus with bigrams (must hold the Russian doctrine and the Paris Call).
    debate : DocumentTermMatrix
        ``by_country(debate_matrix(ngrams="both")).to_documents()``.

    Returns
    -------
    DataFrame
        ``category``, ``entry``, ``auc``, ``russian_doctrine``, ``paris_call``
        and their ``change_`` columns; first row: the full lexicon.
    """
    lex = as_lexicon(lexicon)
    keep = documents.rows["doc_id"].isin([RUSSIAN_DOCTRINE, PARIS_CALL]).to_numpy()
    anchors = documents.select_rows(keep)
    both = _stack_rows(anchors, debate)

    def statistic(rates: pd.DataFrame) -> dict[str, float]:
        doc_rates = rates[rates["doc_id"].isin([RUSSIAN_DOCTRINE, PARIS_CALL])]
        gd_rates = rates[~rates["doc_id"].isin([RUSSIAN_DOCTRINE, PARIS_CALL])]
        pos = axis_positions(gd_rates.assign(seg_no=1), n_boot=0) if len(gd_rates) else None
        auc = float("nan")
        if pos is not None:
            auc = float(external_validation(pos, scores=("position",), n_boot=0).loc[0, "auc"])
        return {
            "auc": auc,
            "russian_doctrine": _position(doc_rates, RUSSIAN_DOCTRINE),
            "paris_call": _position(doc_rates, PARIS_CALL),
        }

    return entry_influence(both, statistic, lexicon=lex)


def _stack_rows(a: DocumentTermMatrix, b: DocumentTermMatrix) -> DocumentTermMatrix:
    cols = ["doc_id", "n_tokens"]
    out = []
    for m in (a, b):
        used = np.asarray(m.counts.sum(axis=0)).ravel() > 0  # only the terms these rows use
        counts = m.counts[:, used]
        out.append(DocumentTermMatrix(counts=counts, rows=m.rows[cols].copy(), vocab=m.vocab[used], level=a.level))
    return stack(*out)


def target_rate_intervals(
    documents: DocumentTermMatrix,
    *,
    target: str = INITIATIVE,
    by: str = "group",
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """The target's framing rates with exact Poisson intervals, and exact tests against each group.

    Parameters
    ----------
    documents : DocumentTermMatrix
        Document (or segment) rows with bigrams; must hold the target.
    target : str
        The target's ``doc_id``.
    by : str
        Grouping column of the reference rates (each group's matches over its tokens, pooled).

    Returns
    -------
    DataFrame
        One row per category and group: ``category``, ``count``, ``exposure``,
        ``rate``, ``rate_low``, ``rate_high`` (the target's, per 1,000
        tokens; a zero count gets the exact interval [0, 3.69 / exposure *
        1,000] for 95%), ``group``, ``reference_rate``, ``rate_ratio`` with
        its interval, ``p_value``, ``p_holm`` (Holm over the categories of a
        group), ``p_zero`` (probability of the target's count being zero at
        the group's rate).

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import document_term_matrix
    >>> out = target_rate_intervals(document_term_matrix(level="document", ngrams="both"))
    >>> row = out[(out["category"] == "human_rights") & (out["group"] == "strategy")].iloc[0]
    >>> int(row["count"]), float(row["rate_low"]) == 0.0, bool(row["rate_high"] > 0)
    (0, True, True)
    """
    rates = dictionary_rates(documents, lexicon)
    is_target = rates["doc_id"].astype(str).eq(target)
    if not is_target.any():
        msg = f"target={target!r} is not a doc_id of the matrix"
        raise ValueError(msg)
    meta = documents.rows.drop_duplicates("doc_id").set_index("doc_id")[by]
    t = rates[is_target].groupby("category", sort=False).agg(count=("matches", "sum"), exposure=("n_tokens", "sum"))
    own = poisson_interval(t["count"], t["exposure"], ci=ci, index=t.index)
    ref = rates[~is_target].assign(_group=lambda r: r["doc_id"].map(meta).to_numpy())
    blocks = []
    for group, sub in ref.groupby("_group", sort=False):
        g = sub.groupby("category", sort=False).agg(count=("matches", "sum"), exposure=("n_tokens", "sum"))
        g = g.reindex(t.index)
        test = rate_test(t["count"], t["exposure"], g["count"], g["exposure"], ci=ci, index=t.index)
        columns = ["reference_rate", "rate_ratio", "ratio_low", "ratio_high", "p_value", "p_holm", "p_zero"]
        block = own.join(test[columns])
        blocks.append(block.assign(group=group))
    out = pd.concat(blocks).rename_axis("category").reset_index()
    return out


class FramingStatistic:
    """Category rates (per 1,000 tokens) and the axis position of a count vector.

    For :func:`~initiative_lib.methods.baselines.length_matched_baseline`:
    called with a 1-D array of counts aligned to ``vocab`` (unigrams and
    bigrams), it counts the lexicon exactly as :func:`dictionary_rates` does
    (a one-row matrix of the window's non-zero terms), with the window's
    unigram count as its length. Picklable, so it runs in worker processes.

    Examples
    --------
    >>> import pandas as pd
    >>> stat = FramingStatistic(pd.Index(["human", "human rights", "rights", "sovereignty"]),
    ...                         categories=["human_rights", "sovereignty"])
    >>> out = stat(np.array([1, 1, 1, 2]))
    >>> out["human_rights"], out["sovereignty"]
    (250.0, 500.0)
    """

    def __init__(
        self,
        vocab: pd.Index,
        *,
        lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
        categories: list[str] | None = None,
        position: bool = True,
    ) -> None:
        self.vocab = pd.Index(vocab, dtype=object)
        self.lexicon = as_lexicon(lexicon)
        self.categories = categories
        self.position = position
        self.unigram = ~np.asarray(self.vocab.str.contains(" ", regex=False), dtype=bool)
        # the counting rule compiled once; a vocabulary with repeated or non-string terms takes the slow path
        unique_strings = self.vocab.is_unique and all(isinstance(t, str) for t in self.vocab)
        self._counter = LexiconCounter(self.vocab, self.lexicon) if unique_strings else None
        self._unigram_cols = np.flatnonzero(self.unigram)

    def __call__(self, counts: np.ndarray) -> dict[str, float]:
        counts = np.asarray(counts)
        if self._counter is None or counts.dtype.kind not in "iu" or counts.shape != self.vocab.shape:
            return self._call_matrix(counts)
        n_tokens = int(counts[self._unigram_cols].sum())
        try:
            found = self._counter.matches(counts)
        except LexiconError:
            return self._call_matrix(counts)  # raises as dictionary_rates does
        rates = PER * found / max(n_tokens, 1)
        rate_of = dict(zip(self._counter.categories, rates.tolist(), strict=True))
        matches_of = dict(zip(self._counter.categories, found.tolist(), strict=True))
        return self._result(rate_of, matches_of)

    def _call_matrix(self, counts: np.ndarray) -> dict[str, float]:
        """The reference: :func:`dictionary_rates` of a one-row matrix of the non-zero terms."""
        nz = np.flatnonzero(counts)
        n_tokens = int(counts[self.unigram].sum())
        row = {self.vocab[j]: int(counts[j]) for j in nz}
        m = from_counts([row], pd.DataFrame({"doc_id": ["w"], "n_tokens": [max(n_tokens, 1)]}))
        r = dictionary_rates(m, self.lexicon).set_index("category")
        return self._result(r["rate"].to_dict(), r["matches"].to_dict())

    def _result(self, rate_of: dict[str, float], matches_of: dict[str, int]) -> dict[str, float]:
        out: dict[str, float] = {}
        for cat in self.categories or list(rate_of):
            out[str(cat)] = float(rate_of.get(cat, 0.0))
        if self.position:
            s = sum(float(matches_of.get(c, 0)) for c in FRAMING_AXES["sovereign_controlled"])
            o = sum(float(matches_of.get(c, 0)) for c in FRAMING_AXES["open_global"])
            out["position"] = float(np.log((s + POSITION_SMOOTHING) / (o + POSITION_SMOOTHING)))
        return out
