#!/usr/bin/env python3
"""Benchmarks: initiative_lib against the tools users would reach for instead.

Run with ``python3 tasks.py bench`` (installs the ``bench`` extra: gensim and
tomotopy) or, inside the project's environment, ``python benchmarks/run.py``.
Writes ``benchmarks/RESULTS.md``. Needs the UN General Debate Corpus in the
UNGDC layout (``--ungdc``; by default ``$INITIATIVE_MIRROR/ungdc`` or
``../shared/corpora/ungdc``). Nothing of the corpus's text is written to the
repository: the prepared inputs live in the user cache.

Parts, on all speeches split into paragraphs:

``read``
    (a) Reading, cleaning, paragraph splitting and counting with
    :func:`initiative_lib.build.ungdc_paragraphs.ungdc_paragraph_matrix` (1 and 2
    processes, and from its cache), and counting the same paragraphs, already
    in memory, with our counter, scikit-learn's ``CountVectorizer`` and gensim's
    ``Dictionary``: throughput and peak memory.
``fit``
    (b) Topic models on one matrix (same vocabulary, same K): fit time, peak
    memory, and UMass and NPMI coherence of each topic's top 10 terms on that
    matrix (computed after the timed fit, by
    :func:`initiative_lib.topics.diagnostics.coherence`, which agrees with gensim's).
``notebooks``
    (c) The main job: every notebook, every figure (``python3 tasks.py main``).

Every timed run is a fresh process, so that peak memory is the run's own.
Medians are over ``--repeats`` runs (seeds 0, 1, 2, ...); a method whose first
run takes longer than ``--repeat-limit`` seconds runs once (the table says how
often each ran). This is a benchmark, not a test: the test suite never runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
K = 15
TOP_N = 10
PREPROCESS = {"stopwords": "english", "min_df": 50, "max_df": 0.5}
TOMOTOPY_ITERATIONS = 200

# (name, settings shown in the table)
# (name, (group, what is timed)); ratios are within a group
READERS = {
    "ours-read-1": ("read", "initiative_lib `ungdc_paragraph_matrix(n_jobs=1)`: read, clean, split, count"),
    "ours-read-2": ("read", "initiative_lib `ungdc_paragraph_matrix(n_jobs=2)`: read, clean, split, count"),
    "ours-read-cached": ("read", "initiative_lib `ungdc_paragraph_matrix()` again: checksum the files, load the cache"),
    "ours-count-1": ("count", "initiative_lib `count_texts(n_jobs=1)`"),
    "ours-count-2": ("count", "initiative_lib `count_texts(n_jobs=2)`"),
    "sklearn-count": ("count", "scikit-learn `CountVectorizer(token_pattern=TOKEN_RE.pattern)`"),
    "gensim-count": ("count", "gensim `Dictionary` + `doc2bow` (on our tokens)"),
}
MODELS = {
    "ours": "initiative_lib `VectorizedLDA` defaults (batch VB, 20 passes x 3 document iterations), `n_jobs=2`",
    "ours-1": "initiative_lib `VectorizedLDA` defaults, `n_jobs=1`",
    "sklearn-batch-same": "scikit-learn LDA batch with our settings (`max_iter=20, max_doc_update_iter=3`), "
    "`n_jobs=1`: our model and updates",
    "sklearn-batch": "scikit-learn LDA batch, defaults (`max_iter=10, max_doc_update_iter=100`), `n_jobs=2`",
    "sklearn-online": "scikit-learn LDA online, defaults (`batch_size=128, max_iter=10, n_jobs=None`)",
    "gensim": "gensim `LdaModel`, defaults (`passes=1, chunksize=2000, iterations=50`)",
    "gensim-multicore": "gensim `LdaMulticore`, defaults (`workers=1`, i.e. cores - 1)",
    "tomotopy": f"tomotopy `LDAModel` (collapsed Gibbs, defaults `alpha=0.1, eta=0.01`), "
    f"{TOMOTOPY_ITERATIONS} iterations, `workers=2`; time includes adding the documents",
    "nmf": "scikit-learn `NMF` with initiative_lib's settings (`nndsvda`, `cd`, row proportions, `max_iter=200`)",
}


# ------------------------------------------------------------------ measuring, in a worker process


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(_rss_mb("VmHWM"), children)


def _load_inputs(work: Path) -> tuple[Any, list[str]]:
    import numpy as np
    import scipy.sparse as sp

    X = sp.load_npz(work / "X.npz").astype(np.float64).tocsr()
    vocab = json.loads((work / "vocab.json").read_text(encoding="utf-8"))
    return X, vocab


def _top_terms(beta: Any, vocab: list[str]) -> list[list[str]]:
    import numpy as np

    order = np.argsort(-np.asarray(beta), axis=1, kind="stable")[:, :TOP_N]
    return [[vocab[j] for j in row] for row in order]


def _fit(method: str, X: Any, vocab: list[str], seed: int) -> tuple[Any, dict[str, Any]]:
    """Fit ``method``; return the topic-word weights (K x V) and extras. The caller times this."""
    import numpy as np

    if method in ("ours", "ours-1"):
        from initiative_lib.topics.lda import VectorizedLDA

        m = VectorizedLDA(K, random_state=seed, n_jobs=2 if method == "ours" else 1).fit(X)
        return m.components_, {}
    if method.startswith("sklearn-"):
        from sklearn.decomposition import LatentDirichletAllocation

        opts: dict[str, Any] = {"learning_method": "online" if method == "sklearn-online" else "batch"}
        # with n_jobs > 1 scikit-learn's E-step gives each job a copy of the random state,
        # which changes the initial document parameters: the exact comparison runs with 1
        # online: with n_jobs=2 joblib memory-maps its arguments for each of the ~19,000
        # mini-batches and the files piled up in /dev/shm until the run was killed for
        # lack of memory (23 GB in 22 minutes here), so it runs with its default, 1 job
        n_jobs = 1 if method in ("sklearn-batch-same", "sklearn-online") else 2
        if method == "sklearn-batch-same":
            opts |= {"max_iter": 20, "max_doc_update_iter": 3}
        m = LatentDirichletAllocation(K, random_state=seed, n_jobs=n_jobs, **opts).fit(X)
        return m.components_, {"n_iter": int(m.n_iter_)}
    if method in ("gensim", "gensim-multicore"):
        from gensim.matutils import Sparse2Corpus
        from gensim.models import LdaModel, LdaMulticore

        id2word = dict(enumerate(vocab))
        corpus = Sparse2Corpus(X, documents_columns=False)
        if method == "gensim":
            m = LdaModel(corpus, num_topics=K, id2word=id2word, random_state=seed)
        else:
            m = LdaMulticore(corpus, num_topics=K, id2word=id2word, random_state=seed)
        return m.get_topics(), {}
    if method == "tomotopy":
        import tomotopy as tp

        m = tp.LDAModel(k=K, seed=seed)
        words = np.asarray(vocab, dtype=object)
        for i in range(X.shape[0]):
            a, b = X.indptr[i], X.indptr[i + 1]
            m.add_doc(np.repeat(words[X.indices[a:b]], X.data[a:b].astype(np.int64)).tolist())
        m.train(TOMOTOPY_ITERATIONS, workers=2)
        index = {w: j for j, w in enumerate(vocab)}
        beta = np.zeros((K, len(vocab)))
        cols = np.array([index[w] for w in m.used_vocabs])
        for t in range(K):
            beta[t, cols] = m.get_topic_word_dist(t)
        return beta, {"ll_per_word": float(m.ll_per_word)}
    if method == "nmf":
        from sklearn.decomposition import NMF

        from initiative_lib.topics.model import _weight_matrix

        m = NMF(K, init="nndsvda", solver="cd", max_iter=200, tol=1e-4, random_state=seed)
        m.fit(_weight_matrix(X, "proportion"))
        return m.components_, {"n_iter": int(m.n_iter_)}
    msg = f"unknown method {method!r}; expected one of {list(MODELS)}"
    raise ValueError(msg)


def _read(task: str, work: Path, ungdc: Path) -> dict[str, Any]:
    """Run one reading/counting task; return its timing and sizes."""
    from initiative_lib.build.ungdc_paragraphs import count_texts, ungdc_paragraph_matrix

    out: dict[str, Any] = {}
    if task.startswith("ours-read"):
        os.environ["INITIATIVE_DATA"] = str(work / "cache")
        n_jobs = 2 if task == "ours-read-2" else 1
        start = time.perf_counter()
        m = ungdc_paragraph_matrix(ungdc, n_jobs=n_jobs, cache=task == "ours-read-cached", progress=False)
        out["seconds"] = time.perf_counter() - start
        out["shape"], out["nnz"] = list(m.shape), int(m.counts.nnz)
        return out
    with (work / "paragraphs.pickle").open("rb") as fh:
        paragraphs = pickle.load(fh)
    out["base_mb"] = _rss_mb("VmRSS")
    start = time.perf_counter()
    if task.startswith("ours-count"):
        m = count_texts(paragraphs, n_jobs=int(task[-1]))
        shape, nnz = m.shape, m.counts.nnz
    elif task == "sklearn-count":
        from sklearn.feature_extraction.text import CountVectorizer

        from initiative_lib.text.tokens import TOKEN_RE

        counts = CountVectorizer(token_pattern=TOKEN_RE.pattern, lowercase=True).fit_transform(paragraphs)
        shape, nnz = counts.shape, counts.nnz
    elif task == "gensim-count":
        from gensim.corpora import Dictionary

        from initiative_lib.text.tokens import tokenize

        dictionary = Dictionary(tokenize(p) for p in paragraphs)
        bows = [dictionary.doc2bow(tokenize(p)) for p in paragraphs]
        shape, nnz = (len(bows), len(dictionary)), sum(map(len, bows))
    else:
        msg = f"unknown read task {task!r}; expected one of {list(READERS)}"
        raise ValueError(msg)
    out["seconds"] = time.perf_counter() - start
    out["shape"], out["nnz"] = list(shape), int(nnz)
    return out


def worker(args: argparse.Namespace) -> int:
    """One timed run in this (fresh) process; print one JSON line."""
    work = Path(args.work)
    if args.part == "read":
        out = _read(args.task, work, Path(args.ungdc))
    else:
        X, vocab = _load_inputs(work)
        out = {"base_mb": _rss_mb("VmRSS")}
        start = time.perf_counter()
        beta, extra = _fit(args.task, X, vocab, args.seed)
        out["seconds"] = time.perf_counter() - start
        out |= extra
        out["top_terms"] = _top_terms(beta, vocab)
    out["peak_mb"] = _peak_mb()
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


# ------------------------------------------------------------------ orchestration


def _say(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


def _one(part: str, task: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", part, task, "--seed", str(seed), "--work", str(args.work)]
    cmd += ["--ungdc", str(args.ungdc)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": float(args.timeout), "stopped": True, "peak_mb": float("nan"), "base_mb": float("nan")}
    if done.returncode != 0:
        msg = f"benchmark run {part}/{task} (seed {seed}) failed:\n{done.stderr[-3000:]}"
        raise RuntimeError(msg)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _record_path(args: argparse.Namespace) -> Path:
    return Path(args.work) / "runs.jsonl"


def _recorded(args: argparse.Namespace) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Runs recorded in the work folder by earlier (interrupted) invocations, for ``--resume``."""
    path = _record_path(args)
    out = {}
    if args.resume and path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            run = json.loads(line)
            out[run["part"], run["task"], run["seed"]] = run
    return out


def _runs(part: str, task: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Up to ``--repeats`` runs of one task; each is appended to the work folder's record as it ends."""
    done = _recorded(args)
    runs = []
    for seed in range(args.repeats):
        run = done.get((part, task, seed))
        if run is None:
            run = _one(part, task, seed, args)
            if part == "fit" and not run.get("stopped"):  # coherence now, so that the record is complete
                run["umass"], run["npmi"] = coherence_of(run.pop("top_terms"), Path(args.work))
            run |= {"part": part, "task": task, "seed": seed, "at": time.strftime("%Y-%m-%d %H:%M:%S")}
            with _record_path(args).open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(run) + "\n")
            _say(f"{part} {task} seed {seed}: {run['seconds']:.1f} s, peak {run['peak_mb']:.0f} MB")
        else:
            _say(f"{part} {task} seed {seed}: recorded at {run['at']}, {run['seconds']:.1f} s")
        runs.append(run)
        if run["seconds"] > args.repeat_limit:
            break
    return runs


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """The paragraph texts and the model matrix, in the work folder (user cache), once."""
    import numpy as np
    import scipy.sparse as sp

    from initiative_lib.build.sources.ungdc import iter_speeches, speech_paragraphs
    from initiative_lib.build.ungdc_paragraphs import ungdc_paragraph_matrix
    from initiative_lib.methods.preprocess import PreprocessConfig, preprocess
    from initiative_lib.text.tokens import tokenize

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    os.environ["INITIATIVE_DATA"] = str(work / "cache")
    # computed, or loaded when unchanged: the "cached" reading run then finds it
    dtm = ungdc_paragraph_matrix(args.ungdc, n_jobs=2, progress=False)
    info_path = work / "info.json"
    key = {"ungdc": str(args.ungdc), "preprocess": PREPROCESS, "fraction": args.fraction}
    if info_path.is_file():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("key") == key:
            return info
    _say("preparing inputs (once)")
    paragraphs = [
        p for s in iter_speeches(args.ungdc, progress=False) for p in speech_paragraphs(s.text) if tokenize(p)
    ]
    if len(paragraphs) != dtm.shape[0]:
        msg = f"paragraph list ({len(paragraphs)}) and matrix ({dtm.shape[0]} rows) disagree"
        raise RuntimeError(msg)
    n_rows = round(dtm.shape[0] * args.fraction)
    with (work / "paragraphs.pickle").open("wb") as fh:
        pickle.dump(paragraphs[:n_rows], fh, protocol=pickle.HIGHEST_PROTOCOL)
    prepped = preprocess(dtm.select_rows(np.arange(dtm.shape[0]) < n_rows), PreprocessConfig(**PREPROCESS))
    X = prepped.counts.tocsr()
    X = X[np.asarray(X.sum(axis=1)).ravel() > 0]
    sp.save_npz(work / "X.npz", X)
    (work / "vocab.json").write_text(json.dumps(prepped.vocab.tolist()), encoding="utf-8")
    files = sorted(Path(args.ungdc).rglob("*.txt"))
    info = {
        "key": key,
        "n_speeches": len(files),
        "mb_files": sum(f.stat().st_size for f in files) / 1e6,
        "n_paragraphs": len(paragraphs),
        "paragraphs_used": n_rows,
        "mb_paragraphs": sum(len(p.encode("utf-8")) for p in paragraphs[:n_rows]) / 1e6,
        "tokens_all": int(dtm.counts.sum()),
        "vocab_all": int(dtm.shape[1]),
        "nnz_all": int(dtm.counts.nnz),
        "model_rows": int(X.shape[0]),
        "model_vocab": int(X.shape[1]),
        "model_nnz": int(X.nnz),
        "model_tokens": int(X.sum()),
    }
    info_path.write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def coherence_of(top_terms: list[list[str]], work: Path) -> tuple[float, float]:
    """Mean UMass and NPMI coherence of the topics on the model matrix."""
    import pandas as pd

    from initiative_lib.corpus.matrix import DocumentTermMatrix
    from initiative_lib.topics.diagnostics import coherence

    X, vocab = _load_inputs(work)
    dtm = DocumentTermMatrix(counts=X, rows=pd.DataFrame(index=range(X.shape[0])), vocab=pd.Index(vocab))
    return (
        float(coherence(dtm, top_terms, "umass").mean()),
        float(coherence(dtm, top_terms, "npmi").mean()),
    )


def _kwargs(options: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in options.items())


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _spread(runs: list[dict[str, Any]]) -> str:
    times = [r["seconds"] for r in runs]
    return f"{min(times):.1f}-{max(times):.1f}" if len(times) > 1 else "-"


def notebooks_part(args: argparse.Namespace) -> dict[str, Any]:
    """Time ``python3 tasks.py main`` (set-up done first, not timed)."""
    subprocess.run([sys.executable, str(ROOT / "tasks.py"), "env"], cwd=ROOT, check=True)
    walls, per_notebook = [], {}
    for i in range(args.notebook_repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(ROOT / "tasks.py"), "main"], cwd=ROOT, check=True, capture_output=True, text=True
        )
        walls.append(time.perf_counter() - start)
        _say(f"main job run {i + 1}: {walls[-1]:.1f} s")
        for name, seconds in re.findall(r"ran (\S+) in ([\d.]+) s", done.stderr):
            per_notebook.setdefault(name, []).append(float(seconds))
    return {"walls": walls, "per_notebook": per_notebook}


def report(args: argparse.Namespace, info: dict[str, Any], read: dict, fit: dict, nb: dict | None) -> str:
    import gensim
    import numpy as np
    import scipy
    import sklearn
    import tomotopy

    ats = [r["at"] for runs in (*read.values(), *fit.values()) for r in runs] or ["-"]
    versions = (
        f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, gensim {gensim.__version__}, tomotopy {tomotopy.__version__}"
    )
    lines = [
        "# Benchmarks",
        "",
        "Written by `python3 tasks.py bench` (`benchmarks/run.py`); edit the script, not this file.",
        "",
        f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.platform()}, "
        f"{os.cpu_count()} cores; {versions}.",
        f"- Data: {info['n_speeches']:,} speeches of the UN General Debate Corpus, {info['mb_files']:.1f} MB, "
        f"split into {info['n_paragraphs']:,} paragraphs ({info['tokens_all']:,} tokens, "
        f"{info['vocab_all']:,} distinct, {info['nnz_all']:,} non-zeros)"
        + (f"; **only the first {args.fraction:.0%} of the paragraphs**" if args.fraction < 1 else "")
        + ".",
        f"- Repeats: median of up to {args.repeats} runs, each in a fresh process (seeds 0, 1, ...); "
        f"a method whose first run took over {args.repeat_limit:.0f} s ran once. "
        "Ratio = median time / fastest median in the table.",
        f"- Runs recorded from {min(ats)} to {max(ats)} UTC"
        + (" (resumed after an interruption)" if args.resume else "")
        + ".",
        "",
        "## (a) Reading, tokenizing and counting",
        "",
        f"Reading rows: from the {info['mb_files']:.1f} MB of files to the paragraph matrix (nothing else "
        "reads this layout, so these rows compare our settings). Counting rows: the same "
        f"{info['mb_paragraphs']:.1f} MB of paragraphs, already in memory as a list of strings (in the base "
        "memory), tokenized by our rule (`initiative_lib.text.tokens.TOKEN_RE`) and counted; all three "
        "give the same matrix. Ratio: against the fastest row of the same kind. Peak: the largest resident "
        "memory of the run's process or of its worker processes.",
        "",
        "| what | kind | runs | median s | range s | MB/s | ratio | peak MB | rows x terms, non-zeros |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    fastest = {}
    for task, runs in read.items():
        kind = READERS[task][0]
        fastest[kind] = min(fastest.get(kind, float("inf")), _median(runs, "seconds"))
    for task, runs in read.items():
        kind, what = READERS[task]
        med = _median(runs, "seconds")
        mb = info["mb_files"] if kind == "read" else info["mb_paragraphs"]
        shape = runs[0]["shape"]
        lines.append(
            f"| {what} | {kind} | {len(runs)} | {med:.1f} | {_spread(runs)} | {mb / med:.1f} | "
            f"{med / fastest[kind]:.1f} | {max(r['peak_mb'] for r in runs):.0f} | "
            f"{shape[0]:,} x {shape[1]:,}, {runs[0]['nnz']:,} |"
        )
    lines += [
        "",
        "## (b) Topic models: same matrix, same vocabulary, K = " + str(K),
        "",
        f"Matrix: the paragraphs preprocessed with `PreprocessConfig({_kwargs(PREPROCESS)})`, "
        f"empty rows dropped: {info['model_rows']:,} x {info['model_vocab']:,}, {info['model_nnz']:,} non-zeros, "
        f"{info['model_tokens']:,} tokens. Coherence: mean over topics of the top {TOP_N} terms, on the same matrix "
        "(median over runs; higher is better). Peak = peak resident memory of the run's process, which "
        "holds the matrix before the fit starts (base); scikit-learn's `n_jobs=2` workers (joblib/loky) "
        "stay alive until the process exits and are not counted.",
        "",
        "| method | runs | median fit s | range s | ratio | peak MB (base) | UMass | NPMI |",
        "|---|---|---|---|---|---|---|---|",
    ]
    finished = [_median(r, "seconds") for r in fit.values() if not r[0].get("stopped")]
    fastest = min(finished) if finished else 1.0
    for task, runs in fit.items():
        med = _median(runs, "seconds")
        if runs[0].get("stopped"):
            lines.append(f"| {MODELS[task]} | 1 | > {med:.0f} (stopped) | - | > {med / fastest:.0f} | - | - | - |")
            continue
        lines.append(
            f"| {MODELS[task]} | {len(runs)} | {med:.1f} | {_spread(runs)} | {med / fastest:.1f} | "
            f"{max(r['peak_mb'] for r in runs):.0f} ({min(r['base_mb'] for r in runs):.0f}) | "
            f"{_median(runs, 'umass'):.3f} | {_median(runs, 'npmi'):.3f} |"
        )
    if nb is not None:
        lines += [
            "",
            "## (c) The main job: every notebook, every figure",
            "",
            f"`python3 tasks.py main` after set-up, {len(nb['walls'])} run(s): "
            f"{', '.join(f'{w:.1f}' for w in nb['walls'])} s; median **{statistics.median(nb['walls']):.1f} s**.",
            "",
            "| notebook | median s |",
            "|---|---|",
        ]
        for name, times in sorted(nb["per_notebook"].items()):
            lines.append(f"| {name} | {statistics.median(times):.1f} |")
    # before/after rows of each optimisation, measured separately (benchmarks/quick.py) and kept by hand
    for kept in ("OPTIMISATIONS.md", "READING.md"):
        if (ROOT / "benchmarks" / kept).is_file():
            lines += ["", (ROOT / "benchmarks" / kept).read_text(encoding="utf-8").rstrip("\n")]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_mirror = Path(os.environ.get("INITIATIVE_MIRROR", ROOT.parent / "shared" / "corpora"))
    parser.add_argument("--ungdc", type=Path, default=default_mirror / "ungdc")
    parser.add_argument(
        "--parts", nargs="+", default=["read", "fit", "notebooks"], choices=["read", "fit", "notebooks"]
    )
    parser.add_argument("--methods", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--repeat-limit", type=float, default=300.0)
    parser.add_argument("--timeout", type=float, default=1800.0, help="stop a run after this many seconds")
    parser.add_argument("--notebook-repeats", type=int, default=2)
    parser.add_argument(
        "--fraction", type=float, default=1.0, help="use only this share of the paragraphs (smoke runs)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--work", type=Path, default=None, help="prepared inputs; default: the user cache")
    parser.add_argument(
        "--resume", action="store_true", help="reuse the runs recorded in the work folder (after an interruption)"
    )
    parser.add_argument("--worker", nargs=2, metavar=("PART", "TASK"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work is None:
        from initiative_lib.paths import cache_dir

        args.work = cache_dir() / "bench"
    if args.worker:
        args.part, args.task = args.worker
        return worker(args)
    if not args.ungdc.is_dir():
        sys.exit(f"{args.ungdc}: UNGDC folder not found; pass --ungdc or set INITIATIVE_MIRROR")
    info = prepare(args)
    if not args.resume:
        _record_path(args).unlink(missing_ok=True)
    read: dict[str, list] = {}
    fit: dict[str, list] = {}
    if "read" in args.parts:
        if args.fraction < 1:
            _say("reading runs skipped: --fraction < 1")
        else:
            for task in READERS:
                read[task] = _runs("read", task, args)
    if "fit" in args.parts:
        for task in args.methods:
            fit[task] = _runs("fit", task, args)
    nb = notebooks_part(args) if "notebooks" in args.parts else None
    text = report(args, info, read, fit, nb)
    args.out.write_text(text, encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(
        json.dumps({"info": info, "read": read, "fit": fit, "notebooks": nb}, indent=1), encoding="utf-8"
    )
    _say(f"wrote {args.out}")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
