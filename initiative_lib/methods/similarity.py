"""How alike documents and groups are, and a hierarchical clustering of them.

* :func:`tfidf_similarity`: cosine similarity of TF-IDF vectors, document by
  document. Cosine similarity ignores vector length, so a 600-word text and a
  20,000-word strategy are compared on the mix of their words, not on size;
  a short text is still noisier, and its row of the matrix is less certain.
* :func:`group_similarity`: the same between groups, either the mean of the
  document pairs or the cosine of pooled group vectors (see ``method``).
* :func:`js_distance`: Jensen-Shannon distance between rows of shares (topic
  proportions, dictionary profiles), base 2 so that it lies in [0, 1].
* :func:`cluster`: average-linkage (or other) clustering of a distance table,
  with the leaf order for plotting.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfTransformer

from initiative_lib.corpus.matrix import DocumentTermMatrix

LINKAGE_METHODS = ("single", "complete", "average", "weighted")


def _document_level(dtm: DocumentTermMatrix) -> DocumentTermMatrix:
    docs = dtm.to_documents()
    if not docs.rows["doc_id"].is_unique:
        dup = docs.rows["doc_id"][docs.rows["doc_id"].duplicated()].tolist()[:5]
        msg = f"document-level rows must have unique doc_id values; repeated: {dup}"
        raise ValueError(msg)
    return docs


def _tfidf(counts: sp.csr_matrix, *, sublinear_tf: bool, smooth_idf: bool) -> sp.csr_matrix:
    transformer = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf)
    return transformer.fit_transform(counts.astype(float)).tocsr()


def tfidf_similarity(dtm: DocumentTermMatrix, *, sublinear_tf: bool = True, smooth_idf: bool = True) -> pd.DataFrame:
    """Cosine similarity between the TF-IDF vectors of every pair of documents.

    Segment rows are first summed into documents. Weights come from
    scikit-learn's ``TfidfTransformer(norm="l2", use_idf=True,
    smooth_idf=smooth_idf, sublinear_tf=sublinear_tf)``: term frequency
    ``1 + log(tf)`` when ``sublinear_tf`` (so that a term repeated 200 times
    in a long strategy does not dominate), times
    ``idf = ln((1 + n) / (1 + df)) + 1``, with ``n`` the number of documents
    in ``dtm`` and ``df`` those containing the term; rows are scaled to unit
    length, so the dot product is the cosine. The idf depends on which
    documents are passed: the same pair can score differently in another
    selection.

    Parameters
    ----------
    dtm : DocumentTermMatrix
    sublinear_tf, smooth_idf : bool
        Passed to ``TfidfTransformer``.

    Returns
    -------
    DataFrame
        Square, indexed and columned by ``doc_id``; symmetric, 1 on the
        diagonal (0 for a document without terms), values in [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_tokens": [2, 2, 2]})
    >>> m = from_counts([{"x": 2}, {"x": 1, "y": 1}, {"z": 2}], rows)
    >>> tfidf_similarity(m, sublinear_tf=False).round(3)
    doc_id      a      b    c
    doc_id
    a       1.000  0.605  0.0
    b       0.605  1.000  0.0
    c       0.000  0.000  1.0
    """
    docs = _document_level(dtm)
    x = _tfidf(docs.counts, sublinear_tf=sublinear_tf, smooth_idf=smooth_idf)
    sim = (x @ x.T).toarray()
    sim = np.clip((sim + sim.T) / 2.0, 0.0, 1.0)
    has_terms = np.asarray(x.getnnz(axis=1) > 0)
    np.fill_diagonal(sim, has_terms.astype(float))
    labels = pd.Index(docs.rows["doc_id"].astype(str), name="doc_id")
    return pd.DataFrame(sim, index=labels, columns=labels.copy())


def group_similarity(
    dtm: DocumentTermMatrix,
    by: str = "group",
    *,
    method: Literal["mean", "pooled"] = "mean",
    sublinear_tf: bool = True,
    smooth_idf: bool = True,
) -> pd.DataFrame:
    """Similarity between groups of documents.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment rows are first summed into documents.
    by : str
        Column of ``dtm.rows`` naming each document's group.
    method : {"mean", "pooled"}
        ``"mean"``: the average of the document-by-document cosine
        similarities of :func:`tfidf_similarity` over all pairs with one
        document in each group; within a group, over pairs of distinct
        documents (NaN for a group of one document). Every document counts
        alike, whatever its length. ``"pooled"``: the counts of each group
        are summed, weighted with the document-level idf and scaled to unit
        length; the cosine of these group vectors is reported (1 on the
        diagonal). Long documents dominate their group's vector.
    sublinear_tf, smooth_idf : bool
        As in :func:`tfidf_similarity`.

    Returns
    -------
    DataFrame
        Square, indexed and columned by the sorted group labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": list("abc"), "n_tokens": [2, 2, 2], "group": ["g", "g", "h"]})
    >>> m = from_counts([{"x": 2}, {"x": 1, "y": 1}, {"z": 2}], rows)
    >>> group_similarity(m, sublinear_tf=False).round(3)
    group      g    h
    group
    g      0.605  0.0
    h      0.000  NaN
    """
    if method not in ("mean", "pooled"):
        msg = f"method must be 'mean' or 'pooled'; got {method!r}"
        raise ValueError(msg)
    docs = _document_level(dtm)
    if by not in docs.rows.columns:
        msg = f"by={by!r} is not a column of dtm.rows; available: {list(docs.rows.columns)}"
        raise ValueError(msg)
    groups = docs.rows[by]
    if groups.isna().any():
        msg = f"column {by!r} has missing values in {int(groups.isna().sum())} documents; expected a label for each"
        raise ValueError(msg)
    codes, labels = pd.factorize(groups.astype(str), sort=True)
    k = len(labels)
    member = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(k, len(codes)))
    x = _tfidf(docs.counts, sublinear_tf=sublinear_tf, smooth_idf=smooth_idf)
    if method == "mean":
        sim = (x @ x.T).toarray()
        np.fill_diagonal(sim, 0.0)
        sums = member @ sim @ member.T
        sizes = np.bincount(codes, minlength=k).astype(float)
        pairs = np.outer(sizes, sizes)
        np.fill_diagonal(pairs, sizes * (sizes - 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(pairs > 0, sums / pairs, np.nan)
    else:
        tf = docs.counts.astype(float)
        if sublinear_tf:
            tf = tf.copy()
            tf.data = 1.0 + np.log(tf.data)
        pooled = member @ tf
        transformer = TfidfTransformer(norm=None, smooth_idf=smooth_idf).fit(docs.counts)
        pooled = pooled.multiply(transformer.idf_[None, :]).tocsr()
        norms = np.sqrt(np.asarray(pooled.multiply(pooled).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        pooled = sp.diags(1.0 / norms) @ pooled
        out = (pooled @ pooled.T).toarray()
        np.fill_diagonal(out, 1.0)
    out = np.clip((out + out.T) / 2.0, 0.0, 1.0)
    index = pd.Index(list(labels), name=by)
    return pd.DataFrame(out, index=index, columns=index.copy())


def js_distance(shares: pd.DataFrame) -> pd.DataFrame:
    """Jensen-Shannon distance (base 2) between every pair of rows of shares.

    Each row is scaled to sum to 1 (as :func:`scipy.spatial.distance.jensenshannon`
    does). The distance is the square root of the Jensen-Shannon divergence,
    a metric bounded by 0 and 1.

    Parameters
    ----------
    shares : DataFrame
        One row per document (index = labels), one column per topic or
        category, non-negative finite values with a positive row sum.

    Returns
    -------
    DataFrame
        Square, symmetric, 0 on the diagonal, indexed by ``shares.index``.

    Examples
    --------
    >>> s = pd.DataFrame({"t1": [1.0, 0.0, 0.5], "t2": [0.0, 1.0, 0.5]}, index=["a", "b", "c"])
    >>> js_distance(s).round(3)
           a      b      c
    a  0.000  1.000  0.558
    b  1.000  0.000  0.558
    c  0.558  0.558  0.000
    """
    if not isinstance(shares, pd.DataFrame):
        msg = f"shares must be a pandas DataFrame (rows = documents); got {type(shares).__name__}"
        raise TypeError(msg)
    if not shares.index.is_unique:
        msg = f"shares index must be unique; repeated: {shares.index[shares.index.duplicated()].tolist()[:5]}"
        raise ValueError(msg)
    try:
        p = shares.to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        msg = f"shares must hold numbers only; got dtypes {sorted(set(map(str, shares.dtypes)))}"
        raise TypeError(msg) from err
    if not np.isfinite(p).all() or (p < 0).any():
        msg = "shares must be finite and non-negative; found negative, NaN or infinite values"
        raise ValueError(msg)
    totals = p.sum(axis=1)
    if (totals <= 0).any():
        bad = shares.index[totals <= 0].tolist()[:5]
        msg = f"every row of shares needs a positive sum; rows summing to 0: {bad}"
        raise ValueError(msg)
    p = p / totals[:, None]
    plogp = np.sum(_xlog2x(p), axis=1)
    m = (p[:, None, :] + p[None, :, :]) / 2.0
    div = 0.5 * (plogp[:, None] + plogp[None, :]) - np.sum(_xlog2x(m), axis=2)
    dist = np.sqrt(np.clip(div, 0.0, 1.0))
    dist = (dist + dist.T) / 2.0
    np.fill_diagonal(dist, 0.0)
    return pd.DataFrame(dist, index=shares.index.copy(), columns=shares.index.copy())


def _xlog2x(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * np.log2(np.where(x > 0, x, 1.0)), 0.0)


class Clustering(NamedTuple):
    """Result of :func:`cluster`: scipy's linkage matrix and the leaf order."""

    linkage: np.ndarray
    labels: list


def cluster(
    distance: pd.DataFrame,
    method: Literal["single", "complete", "average", "weighted"] = "average",
    *,
    optimal_ordering: bool = True,
) -> Clustering:
    """Hierarchical clustering of a square distance table.

    Parameters
    ----------
    distance : DataFrame
        Square, symmetric, zero diagonal, non-negative, with the same labels
        on index and columns. For a similarity table ``s`` in [0, 1] pass
        ``1 - s``.
    method : {"single", "complete", "average", "weighted"}
        scipy linkage method. Centroid, median and Ward linkage assume
        Euclidean distances and are not offered.
    optimal_ordering : bool
        Order leaves so that neighbouring leaves are most alike (scipy's
        ``optimal_ordering``); deterministic either way.

    Returns
    -------
    Clustering
        ``(linkage, labels)``: the ``(n - 1, 4)`` linkage matrix and the
        labels in dendrogram leaf order.

    Examples
    --------
    >>> d = pd.DataFrame([[0, 1, 4], [1, 0, 4], [4, 4, 0]], index=list("abc"), columns=list("abc"))
    >>> z, labels = cluster(d)
    >>> z[:, 2].tolist(), labels
    ([1.0, 4.0], ['c', 'b', 'a'])
    """
    if method not in LINKAGE_METHODS:
        msg = f"method must be one of {list(LINKAGE_METHODS)}; got {method!r}"
        raise ValueError(msg)
    if not isinstance(distance, pd.DataFrame):
        msg = f"distance must be a square pandas DataFrame; got {type(distance).__name__}"
        raise TypeError(msg)
    if distance.shape[0] != distance.shape[1] or not distance.index.equals(distance.columns):
        msg = f"distance must be square with identical index and columns; got shape {distance.shape}"
        raise ValueError(msg)
    if distance.shape[0] < 2:
        msg = f"distance must have at least 2 rows to cluster; got {distance.shape[0]}"
        raise ValueError(msg)
    d = distance.to_numpy(dtype=float)
    if not np.isfinite(d).all() or (d < 0).any():
        msg = "distance must be finite and non-negative; found negative, NaN or infinite values"
        raise ValueError(msg)
    diag = np.diag(d)
    if np.abs(diag).max() > 1e-9:
        msg = (
            f"distance must have 0 on the diagonal; got values up to {diag.max():g} "
            "(for a similarity table s, pass 1 - s)"
        )
        raise ValueError(msg)
    if not np.allclose(d, d.T, atol=1e-9):
        msg = f"distance must be symmetric; largest asymmetry {np.abs(d - d.T).max():g}"
        raise ValueError(msg)
    d = (d + d.T) / 2.0
    np.fill_diagonal(d, 0.0)
    z = hierarchy.linkage(squareform(d, checks=False), method=method, optimal_ordering=optimal_ordering)
    labels = [distance.index[i] for i in hierarchy.leaves_list(z)]
    return Clustering(linkage=z, labels=labels)
