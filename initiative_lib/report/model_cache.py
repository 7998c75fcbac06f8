"""The headline topic model, fitted once and kept in the user cache as data only.

A report needs the study's headline model (:func:`initiative_lib.study.headline_model`)
fitted to the comparison corpus without the report's document. Fitting takes
a few seconds to a minute on a loaded machine, and the model is the same for every
document a user compares (the document is never part of the fit), so it is
cached by content.

The key
-------
SHA-256 of: the fitting matrix itself (its counts, vocabulary and row ids;
that is, the corpus without the target, after the headline preprocessing),
the preprocessing record, ``k``, ``method`` and seed, the package version and
the versions of numpy, scipy and scikit-learn. Any change to any of them is
a new key; an old entry is never reused.

The format
----------
``<cache>/models/<key>.npz`` (numpy arrays only, read with
``allow_pickle=False``) and ``<key>.json`` (the key, the model's
configuration, vocabulary, topics, document ids and the SHA-256 of every
array). The JSON is written last, so an entry without it is incomplete and
ignored. On load every array's SHA-256 is checked; an entry that fails is
reported with a warning naming the file, deleted and refitted. Nothing is
pickled. Only the package's own LDA solver (the headline method) is cached;
other methods are fitted each time.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import initiative_lib
from initiative_lib.corpus.cache import cache_folder
from initiative_lib.corpus.features import atomic_write_bytes
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.paths import cache_dir
from initiative_lib.study.specification import METHOD as HEADLINE_METHOD
from initiative_lib.study.specification import RANDOM_STATE as HEADLINE_SEED
from initiative_lib.study.specification import AnalysisData, headline_model
from initiative_lib.study.specification import K as HEADLINE_K
from initiative_lib.topics.lda import VectorizedLDA
from initiative_lib.topics.model import TopicModel, prepare_matrix, row_index

FORMAT = 1
ARRAYS = ("components", "exp_dirichlet_component", "topic_term", "segment_topics", "document_topics")


def _sha(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    digest = hashlib.sha256(f"{a.dtype.str}|{a.shape}".encode())
    digest.update(a.tobytes())
    return digest.hexdigest()


def matrix_fingerprint(dtm: DocumentTermMatrix) -> str:
    """SHA-256 of a matrix's counts, vocabulary and row ids (``doc_id``, ``seg_no``).

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a"], "n_tokens": [2]})
    >>> a = matrix_fingerprint(from_counts([{"x": 2}], rows))
    >>> a == matrix_fingerprint(from_counts([{"x": 2}], rows)), a == matrix_fingerprint(from_counts([{"y": 2}], rows))
    (True, False)
    """
    x = dtm.counts.tocsr().copy()
    x.sort_indices()
    digest = hashlib.sha256()
    for part in (x.data.astype(np.int64), x.indices.astype(np.int64), x.indptr.astype(np.int64)):
        digest.update(_sha(part).encode())
    digest.update("\x1f".join(map(str, dtm.vocab)).encode())
    ids = dtm.rows["doc_id"].astype(str) + "#" + (dtm.rows["seg_no"].astype(str) if "seg_no" in dtm.rows else "")
    digest.update("\x1f".join(ids).encode())
    return digest.hexdigest()


def model_key(data: AnalysisData, *, k: int, method: str, random_state: int) -> str:
    """The cache key of the headline model of ``data`` (see the module docstring)."""
    from importlib.metadata import version

    parts = {
        "format": FORMAT,
        "fit_matrix": matrix_fingerprint(data.fit),
        "preprocessing": repr(dict(data.fit.preprocessing).get("config")),
        "k": int(k),
        "method": method,
        "random_state": int(random_state),
        "package": initiative_lib.__version__,
        "versions": {p: version(p) for p in ("numpy", "scipy", "scikit-learn")},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _save(model: TopicModel, key: str, folder: Path) -> None:
    est = model.estimator
    arrays = {
        "components": np.asarray(est.components_, dtype=np.float64),
        "exp_dirichlet_component": np.asarray(est.exp_dirichlet_component_, dtype=np.float64),
        "topic_term": model.topic_term.to_numpy(dtype=np.float64),
        "segment_topics": model.segment_topics.to_numpy(dtype=np.float64),
        "document_topics": model.document_topics.to_numpy(dtype=np.float64),
    }
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # type: ignore[arg-type]
    meta = {
        "format": FORMAT,
        "key": key,
        "package": initiative_lib.__version__,
        "method": model.method,
        "k": model.k,
        "config": {key_: val for key_, val in model.config.items() if key_ != "preprocessing"},
        "estimator": {
            "params": est.get_params(),
            "doc_topic_prior_": float(est.doc_topic_prior_),
            "topic_word_prior_": float(est.topic_word_prior_),
            "n_iter_": int(est.n_iter_),
            "n_features_in_": int(est.n_features_in_),
        },
        "vocab": [str(t) for t in model.topic_term.columns],
        "topics": [int(t) for t in model.topic_term.index],
        "documents": [str(d) for d in model.document_topics.index],
        "sha256": {name: _sha(a) for name, a in arrays.items()},
    }
    atomic_write_bytes(folder / f"{key}.npz", buf.getvalue())
    atomic_write_bytes(folder / f"{key}.json", json.dumps(meta, sort_keys=True, indent=1, default=repr).encode())


def _load(data: AnalysisData, key: str, folder: Path) -> TopicModel:
    meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT or meta.get("key") != key:
        msg = f"{folder / f'{key}.json'}: format or key differs from {FORMAT!r}, {key!r}"
        raise ValueError(msg)
    with np.load(folder / f"{key}.npz", allow_pickle=False) as npz:
        arrays = {name: np.array(npz[name]) for name in ARRAYS}
    for name, a in arrays.items():
        if _sha(a) != meta["sha256"][name]:
            msg = f"{folder / f'{key}.npz'}: array {name!r} does not match its recorded SHA-256"
            raise ValueError(msg)
    prep = prepare_matrix(data.fit)
    if [str(t) for t in prep.vocab] != meta["vocab"] or [str(d) for d in prep.doc_ids] != meta["documents"]:
        msg = f"{folder / f'{key}.json'}: vocabulary or documents differ from the fitting matrix"
        raise ValueError(msg)
    info = meta["estimator"]
    est = VectorizedLDA(**info["params"])
    est.components_ = arrays["components"]
    est.exp_dirichlet_component_ = arrays["exp_dirichlet_component"]
    est.doc_topic_prior_ = info["doc_topic_prior_"]
    est.topic_word_prior_ = info["topic_word_prior_"]
    est.n_iter_ = info["n_iter_"]
    est.n_features_in_ = info["n_features_in_"]
    topics = pd.Index(meta["topics"], name="topic")
    seg = pd.DataFrame(arrays["segment_topics"], index=row_index(prep.rows), columns=topics.copy())
    # the key covers the preprocessing, so the fitting matrix's own record is the model's
    config = {**meta["config"], "preprocessing": dict(data.fit.preprocessing)}
    return TopicModel(
        method=meta["method"],
        k=int(meta["k"]),
        topic_term=pd.DataFrame(arrays["topic_term"], index=topics, columns=pd.Index(prep.vocab, name="term")),
        segment_topics=seg,
        document_topics=pd.DataFrame(arrays["document_topics"], index=prep.doc_ids, columns=topics.copy()),
        rows=prep.rows,
        tokens=pd.Series(prep.tokens, index=seg.index, name="tokens"),
        config=config,
        estimator=est,
    )


def cached_headline_model(
    data: AnalysisData,
    *,
    k: int = HEADLINE_K,
    method: str = HEADLINE_METHOD,
    random_state: int = HEADLINE_SEED,
    cache: str | os.PathLike[str] | None = None,
) -> tuple[TopicModel, str]:
    """The study's headline model of ``data``, from the cache when it holds it.

    Parameters
    ----------
    data : AnalysisData
        As :func:`initiative_lib.study.analysis_data` returns it.
    k, method, random_state
        As :func:`initiative_lib.study.headline_model`.
    cache : path, optional
        The cache folder (argument, then ``$INITIATIVE_DATA``, then the user cache).

    Returns
    -------
    (TopicModel, str)
        The model (equal, array for array, to ``headline_model(data, ...)``) and
        how it was obtained: ``"cache"``, ``"fitted"`` (and stored), or
        ``"fitted (not cached)"`` for a method other than the headline LDA or when the cache
        folder cannot be used (a warning says why).
    """
    if method != "lda":
        return headline_model(data, k=k, method=method, random_state=random_state), "fitted (not cached)"
    key = model_key(data, k=k, method=method, random_state=random_state)
    folder = cache_folder(cache_dir(cache), "models")  # None: the folder is unusable (warned); fit without it
    if folder is None:
        return headline_model(data, k=k, method=method, random_state=random_state), "fitted (not cached)"
    if (folder / f"{key}.json").is_file() and (folder / f"{key}.npz").is_file():
        try:
            return _load(data, key, folder), "cache"
        except (OSError, ValueError, KeyError, TypeError) as err:
            warnings.warn(f"cached topic model not used, refitting: {err}", RuntimeWarning, stacklevel=2)
            for suffix in (".json", ".npz"):
                (folder / f"{key}{suffix}").unlink(missing_ok=True)
    model = headline_model(data, k=k, method=method, random_state=random_state)
    if isinstance(model.estimator, VectorizedLDA):
        _save(model, key, folder)
    return model, "fitted"
