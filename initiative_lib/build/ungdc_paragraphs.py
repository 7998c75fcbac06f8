"""Term counts of every paragraph of a UN General Debate folder, in parallel and cached.

:func:`ungdc_paragraph_matrix` reads a folder in the UNGDC layout (see
:mod:`initiative_lib.build.sources.ungdc`), cleans each speech with the corpus
build's clean-up, rebuilds its paragraphs (:func:`~initiative_lib.build.sources.ungdc.speech_paragraphs`)
and counts each paragraph's tokens with the corpus's token rules
(:func:`~initiative_lib.text.tokens.tokenize`): one matrix row per paragraph.

The full corpus (8,093 speeches, 143 MB) gives 248,761 paragraphs and
15.5 million non-zeros; reading it costs about 10 to 12 CPU seconds (23 before the
fast paths of :mod:`initiative_lib.text` and :mod:`initiative_lib.text.counting`;
``benchmarks/RESULTS.md``, sections (a) and (e), and ``benchmarks/READING.md``),
and 1 s from the cache.
The paragraphs of a whole batch of speeches are found at once by
:func:`~initiative_lib.build.sources.ungdc.paragraph_spans_many` (the rule of
:func:`~initiative_lib.build.sources.ungdc.speech_paragraphs`, with array
operations over the batch's code points), and counted by
:class:`~initiative_lib.text.counting.TokenCounter`: a fixed group of
:data:`GROUP_BATCHES` batches shares one numbering of the tokens
(:meth:`~initiative_lib.text.counting.TokenCounter.flush` after each batch), so its
distinct tokens become strings, and are sorted, once.
With ``client=`` the batches run on a Dask cluster (README, "Past one machine").
Two things make repeated work cheap:

* ``n_jobs`` worker processes read fixed groups of batches of speeches; the
  groups and the final vocabulary (sorted) do not depend on ``n_jobs``, so the
  matrix is identical for every value, and the parent merges only one result
  per group;
* the finished matrix is kept in the user cache under a key made of every
  file's name and bytes and of the counting code, so a second call reads
  the files once for the checksum and loads the matrix.

Memory stays bounded by one batch of text per process plus the counts of a
group and the matrix itself (about 12 bytes per non-zero).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.build.sources.ungdc import (
    Country,
    SpeechKey,
    paragraph_spans,
    paragraph_spans_many,
    speech_paths,
)
from initiative_lib.checks import check_dask_client, check_int
from initiative_lib.corpus.cache import SUFFIX, cache_folder, load_matrix, save_matrix
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.paths import PACKAGE_DIR, cache_dir
from initiative_lib.progress import Progress, want_progress
from initiative_lib.text.cleaning import read_clean
from initiative_lib.text.counting import TokenCounter, code_points, warm_up

__all__ = ["BATCH_FILES", "BATCH_TEXTS", "GROUP_BATCHES", "count_texts", "paragraph_spans", "ungdc_paragraph_matrix"]

#: speeches, and texts, per unit of work; fixed, so the work split never depends on ``n_jobs``
BATCH_FILES = 64
BATCH_TEXTS = 5_000
#: batches per task of a worker process, merged there (a fixed number, so the work split never depends on ``n_jobs``)
GROUP_BATCHES = 8
_CODE_FILES = (
    "text/cleaning.py",
    "text/tokens.py",
    "text/counting.py",
    "build/sources/ungdc.py",
    "build/ungdc_paragraphs.py",
    "corpus/matrix.py",
    "corpus/cache.py",
)

#: row metadata columns and their types
_META_TYPES: dict[str, object] = {
    "doc_id": "string",
    "seg_no": np.int64,
    "n_tokens": np.int64,
    "country_code": "string",
    "session": np.int64,
    "year": np.int64,
    "country": "string",
    "region": "string",
    "subregion": "string",
}

# one batch's result: row metadata (arrays or lists), the batch's own vocabulary, and its
# counts as a CSR matrix over that vocabulary
_Batch = tuple[dict[str, Any], list[str], sp.csr_matrix]


def _count_batch(items: list[tuple[str, SpeechKey, Country]]) -> _Batch:
    """Read, clean, split and count one batch of speeches (runs in a worker process)."""
    return _count_speeches([items])


def _count_speeches(batches: list[list[tuple[str, SpeechKey, Country]]]) -> _Batch:
    """Read, clean, split and count several batches of speeches with one vocabulary (runs in a worker process).

    Each batch is read and its tokens numbered (:meth:`TokenCounter.flush`) before the next is read,
    so only one batch's text is held; the distinct tokens become strings, sorted, once for all.
    """
    counter = TokenCounter()
    n_spans_all = []
    for items in batches:
        texts = [read_clean(Path(path).read_bytes())[0] for path, _, _ in items]
        chars = code_points(texts)  # read once, for the paragraphs and the counting
        spans, n_spans = paragraph_spans_many(texts, chars=chars)
        counter.add_many(texts, spans, n_spans, chars=chars)
        counter.flush()
        n_spans_all.append(n_spans)
    n_spans = np.concatenate(n_spans_all) if n_spans_all else np.zeros(0, dtype=np.int64)
    vocab, counts = counter.result()
    lengths = counter.lengths()
    keep = lengths > 0  # numbered as in corpus/ungdc: paragraphs with a token
    # the rows each speech keeps (its metadata is repeated that many times in the parent)
    kept_before = np.concatenate(([0], np.cumsum(keep)))
    bounds = np.concatenate(([0], np.cumsum(n_spans)))
    meta = {"n_rows": kept_before[bounds[1:]] - kept_before[bounds[:-1]], "n_tokens": lengths[keep]}
    if not keep.all():
        counts = counts[keep]
    return meta, vocab, counts


def _speech_rows(plan: list[tuple[Path, SpeechKey, Country]], metas: list[dict[str, Any]]) -> pd.DataFrame:
    """The row metadata of every kept paragraph, from each speech's key and number of rows."""
    n_rows = np.concatenate([meta["n_rows"] for meta in metas]) if metas else np.zeros(0, dtype=np.int64)
    total = int(n_rows.sum())
    first_row = np.concatenate(([0], np.cumsum(n_rows)[:-1])) if len(n_rows) else n_rows
    columns: dict[str, Any] = {
        "doc_id": [key.doc_id for _, key, _ in plan],
        "seg_no": None,
        "n_tokens": None,
        "country_code": [key.country_code for _, key, _ in plan],
        "session": [key.session for _, key, _ in plan],
        "year": [key.year for _, key, _ in plan],
        "country": [country.name for _, _, country in plan],
        "region": [country.region for _, _, country in plan],
        "subregion": [country.subregion for _, _, country in plan],
    }
    speech = np.repeat(np.arange(len(plan)), n_rows)  # each row's speech
    for name, values in columns.items():
        if values is None:
            continue
        if _META_TYPES[name] == "string":  # each speech's string converted once, then repeated
            columns[name] = pd.array(values, dtype="string").take(speech)
        else:
            columns[name] = np.repeat(np.array(values, dtype=object), n_rows)
    columns["seg_no"] = np.arange(1, total + 1, dtype=np.int64) - np.repeat(first_row, n_rows)
    columns["n_tokens"] = np.concatenate([meta["n_tokens"] for meta in metas]) if metas else np.zeros(0, dtype=np.int64)
    return pd.DataFrame(columns).astype(_META_TYPES)


def _count_text_batch(texts: list[str]) -> _Batch:
    """Count one batch of texts (runs in a worker process)."""
    counter = TokenCounter()
    # one text of the whole batch, the texts apart at line breaks (no token crosses one)
    starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]]).tolist() if texts else []
    counter.add_spans("\n".join(texts), [(start, start + len(text)) for start, text in zip(starts, texts, strict=True)])
    vocab, counts = counter.result()
    return {"n_tokens": counter.lengths()}, vocab, counts


def count_texts(
    texts: Iterable[str], *, n_jobs: int = 1, client: Any = None, progress: bool | None = None
) -> DocumentTermMatrix:
    """Unigram counts of each text by the corpus's token rules, columns sorted.

    The counting core of :func:`ungdc_paragraph_matrix`, for texts already in
    memory: the same counts as ``from_counts`` over
    :func:`~initiative_lib.text.tokens.count_segment` unigrams, and as scikit-learn's
    ``CountVectorizer(token_pattern=TOKEN_RE.pattern)`` (both tested).

    Parameters
    ----------
    texts : iterable of str
    n_jobs : int, default=1
        Worker processes, each counting fixed batches of :data:`BATCH_TEXTS`
        texts; the matrix is identical for every value.
    client : distributed.Client, optional
        Count the batches on this Dask client's workers instead (``n_jobs`` is
        then not used): the same batches, combined in the same order, so the same
        matrix. Needs the ``dask`` extra (``pip install "initiative-lib[dask]"``);
        see the README's "Past one machine".
    progress : bool or None
        Show batches done on stderr; ``None`` = only if stderr is a terminal.

    Returns
    -------
    DocumentTermMatrix
        One row per text; ``rows`` has ``n_tokens``.

    Examples
    --------
    >>> m = count_texts(["Open and secure.", "Open, open!"])
    >>> m.vocab.tolist(), m.counts.toarray().tolist(), m.rows["n_tokens"].tolist()
    (['and', 'open', 'secure'], [[1, 1, 1], [0, 2, 0]], [3, 2])
    """
    _check_jobs(n_jobs)
    check_dask_client(client, optional=True)
    items = list(texts)
    bad = next((i for i, text in enumerate(items) if not isinstance(text, str)), None)
    if bad is not None:
        msg = f"texts must be strings; item {bad} is {type(items[bad]).__name__}"
        raise TypeError(msg)
    batches = [items[i : i + BATCH_TEXTS] for i in range(0, len(items), BATCH_TEXTS)] or [[]]
    parts = _run(_count_text_batch, batches, n_jobs, want_progress(progress), "texts", client)
    return _assemble(parts, _text_rows)


def _check_jobs(n_jobs: object) -> None:
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1)


def _batches(plan: list[tuple[Path, SpeechKey, Country]]) -> list[list[tuple[str, SpeechKey, Country]]]:
    items = [(str(path), key, country) for path, key, country in plan]
    return [items[i : i + BATCH_FILES] for i in range(0, len(items), BATCH_FILES)]


def _on_client(func: Callable[[list], _Batch], batches: list[list], client: Any) -> Iterator[_Batch]:
    """Each batch as a task on ``client``'s workers; results taken back in batch order."""
    pending = client.map(func, batches, pure=False)[::-1]
    try:
        while pending:
            future = pending.pop()  # the next batch; its result leaves the cluster once taken
            yield future.result()
            del future
    finally:
        if pending:
            client.cancel(pending)


def _run(
    func: Callable[[list], _Batch],
    batches: list[list],
    n_jobs: int,
    show: bool,
    what: str,
    client: Any = None,
    group: Callable[[list[list]], _Batch] | None = None,
) -> Iterator[_Batch]:
    """The results of ``func`` on each of ``batches``, or of ``group`` on fixed groups of them, in order."""
    bar = Progress(f"counting {what} (batches)", len(batches), enabled=show, every=1)
    if client is not None:
        try:
            for result in _on_client(func, batches, client):
                bar.step()
                yield result
        finally:
            bar.done()
        return
    # each task a fixed group of batches, counted (or merged) as one: the parent merges a few large
    # results instead of every batch's (the groups do not depend on n_jobs either)
    groups = [batches[i : i + GROUP_BATCHES] for i in range(0, len(batches), GROUP_BATCHES)]
    task = group if group is not None else functools.partial(_merge_group, func)
    parallel = n_jobs > 1 and len(groups) > 1
    if parallel:
        warm_up()  # compiled once here: forked workers inherit it
        if group is not None:
            paragraph_spans_many(["."])
    try:
        with ProcessPoolExecutor(max_workers=n_jobs) if parallel else nullcontext() as pool:
            results = pool.map(task, groups) if pool is not None else map(task, groups)
            for one, result in zip(groups, results, strict=True):  # in group order, whatever finishes first
                for _ in one:
                    bar.step()
                yield result
    finally:
        bar.done()


def _merge(parts: Iterable[_Batch]) -> _Batch:
    """Several batches' results as one: their metadata end to end, one sorted vocabulary, counts stacked.

    Each batch's vocabulary is sorted and so is the union, so mapping a batch's
    columns to the union's keeps every row's columns sorted. The counts travel
    between processes as int32 (a count never exceeds its batch's characters) and
    are int64 after the merge.
    """
    metas, vocabs, blocks = [], [], []
    for meta, vocab, counts in parts:
        metas.append(meta)
        vocabs.append(vocab)
        blocks.append(counts)
    if len(blocks) == 1:
        return metas[0], vocabs[0], blocks[0]
    if not blocks:
        return {}, [], sp.csr_matrix((0, 0), dtype=np.int64)
    merged = sorted(set().union(*vocabs))
    position = {term: i for i, term in enumerate(merged)}
    n_rows = sum(counts.shape[0] for counts in blocks)
    nnz = sum(counts.nnz for counts in blocks)
    # the index type the sparse matrix would choose itself (int32 when it holds every offset), so that
    # it takes the arrays as they are
    index_type = np.int32 if max(nnz, len(merged)) <= np.iinfo(np.int32).max else np.int64
    indptr = [np.zeros(1, dtype=index_type)]
    indices, data = [], []
    offset = 0
    for vocab, counts in zip(vocabs, blocks, strict=True):
        to_merged = np.fromiter(map(position.__getitem__, vocab), dtype=index_type, count=len(vocab))
        indices.append(to_merged[counts.indices])
        data.append(counts.data)
        indptr.append(counts.indptr[1:].astype(index_type) + offset)
        offset += counts.nnz
    counts = sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.concatenate(indptr)), shape=(n_rows, len(merged))
    )
    meta = {key: np.concatenate([m[key] for m in metas]) for key in metas[0]} if metas else {}
    return meta, merged, counts


def _merge_group(func: Callable[[list], _Batch], batches: list[list]) -> _Batch:
    """``func`` on each of ``batches``, merged (runs in a worker process: the merge work is spread)."""
    meta, vocab, counts = _merge(map(func, batches))
    return meta, vocab, _compact(counts)


def _compact(counts: sp.csr_matrix) -> sp.csr_matrix:
    """``counts`` with int32 values when they fit (half the bytes to send between processes)."""
    if counts.nnz and int(counts.data.max()) > np.iinfo(np.int32).max:  # pragma: no cover - 2**31 tokens
        return counts
    return sp.csr_matrix((counts.data.astype(np.int32), counts.indices, counts.indptr), shape=counts.shape)


def _assemble(parts: Iterable[_Batch], rows: Callable[[list[dict[str, Any]]], pd.DataFrame]) -> DocumentTermMatrix:
    meta, vocab, counts = _merge(parts)
    matrix = sp.csr_matrix(
        (counts.data.astype(np.int64), counts.indices, counts.indptr), shape=counts.shape, dtype=np.int64
    )
    vocab_index = pd.Index(vocab, dtype=object)
    return DocumentTermMatrix(counts=matrix, rows=rows([meta] if meta else []), vocab=vocab_index, level="segment")


def _text_rows(metas: list[dict[str, Any]]) -> pd.DataFrame:
    n_tokens = np.concatenate([meta["n_tokens"] for meta in metas]) if metas else np.zeros(0, dtype=np.int64)
    return pd.DataFrame({"n_tokens": n_tokens.astype(np.int64)})


def _cache_key(root: Path, plan: list[tuple[Path, SpeechKey, Country]]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{pd.__version__}|{np.__version__}|{sp.__name__}".encode())
    for module in _CODE_FILES:
        digest.update((PACKAGE_DIR / module).read_bytes())
    for path, _, _ in plan:
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}|{len(data)}|".encode())
        digest.update(data)
    return digest.hexdigest()[:32]


def ungdc_paragraph_matrix(
    root: str | os.PathLike[str],
    *,
    sessions: Iterable[int] | None = None,
    n_jobs: int = 1,
    client: Any = None,
    cache: bool = True,
    progress: bool | None = None,
) -> DocumentTermMatrix:
    """Token counts of every paragraph of every speech in a UNGDC folder.

    Parameters
    ----------
    root : path
        A folder in the UN General Debate Corpus layout (``NN-YYYY/CODE_NN_YYYY.txt``).
        The whole folder's layout and country codes are checked before any
        text is read (see :func:`~initiative_lib.build.sources.ungdc.speech_paths`).
    sessions : iterable of int, optional
        Count only these sessions (all when ``None``).
    n_jobs : int, default=1
        Worker processes. The matrix is identical for every value.
    client : distributed.Client, optional
        Read and count the batches of speeches on this Dask client's workers
        instead (``n_jobs`` is then not used), which must see ``root`` at the
        same path (a shared file system, as on a SLURM cluster). The same
        batches, combined in the same order: the same matrix. Needs the ``dask``
        extra; see the README's "Past one machine".
    cache : bool, default=True
        Keep the matrix in the user cache (``$INITIATIVE_DATA``, see
        :mod:`initiative_lib.paths`), keyed by the files' names and bytes and the
        counting code; a changed file or package never reuses a stale matrix.
        The cache is data-only and checksummed (:mod:`initiative_lib.corpus.cache`);
        a file that fails its checks is rebuilt with a warning.
    progress : bool or None
        Show batches done on stderr; ``None`` = only if stderr is a terminal.

    Returns
    -------
    DocumentTermMatrix
        One row per paragraph, in session, file and paragraph order; ``rows``
        has ``doc_id`` (``ungdc-CODE-NN-YYYY``), ``seg_no`` (paragraph number
        among the speech's paragraphs with at least one token, from 1: the
        ``paragraph`` of ``corpus/ungdc/cyber_paragraphs.csv``), ``n_tokens``, ``country_code``, ``session``, ``year``,
        ``country``, ``region`` and ``subregion``. Columns are every token
        seen, sorted (stopwords and numbers too; see :mod:`initiative_lib.text.tokens`).

    Raises
    ------
    CorpusError
        On a file or folder that does not fit the layout (before any reading).
    ValueError
        On a bad ``n_jobs``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "73-2018").mkdir()
    >>> _ = (d / "73-2018" / "FRA_73_2018.txt").write_text("Peace and security.\\n\\nCyberspace is open.\\n")
    >>> m = ungdc_paragraph_matrix(d, cache=False)
    >>> m.rows[["doc_id", "seg_no", "n_tokens", "country"]].values.tolist()
    [['ungdc-FRA-73-2018', 1, 3, 'France'], ['ungdc-FRA-73-2018', 2, 3, 'France']]
    >>> m.vocab.tolist()
    ['and', 'cyberspace', 'is', 'open', 'peace', 'security']
    """
    _check_jobs(n_jobs)
    check_dask_client(client, optional=True)
    base = Path(root).expanduser().resolve()
    plan = speech_paths(base, sessions=sessions)
    folder = cache_folder(cache_dir(), "ungdc") if cache else None
    path = folder / f"{_cache_key(base, plan)}{SUFFIX}" if folder is not None else None
    if path is not None:
        cached = load_matrix(path, DocumentTermMatrix)
        if cached is not None:
            return cached  # type: ignore[return-value]
    dtm = _assemble(
        _run(_count_batch, _batches(plan), n_jobs, want_progress(progress), "speeches", client, _count_speeches),
        functools.partial(_speech_rows, plan),
    )
    if path is not None:
        save_matrix(path, dtm)
    return dtm
