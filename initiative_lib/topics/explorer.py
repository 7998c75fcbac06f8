"""An interactive topic explorer: one self-contained HTML file per fitted model.

:func:`write_topic_explorer` (also :meth:`TopicModel.to_html
<initiative_lib.topics.model.TopicModel.to_html>`) writes a page that opens in any
browser without network access (the script, styles and data are inline; nothing is
fetched) and shows

* the topics, each with its label (three highest-FREX terms) and prevalence, the
  token-weighted share of all modelled tokens;
* the terms of the selected topic as bars, ranked by **relevance** (Sievert and Shirley
  2014, LDAvis) with a slider for ``lambda``::

      relevance(w, t) = lambda * log p(w | t) + (1 - lambda) * log(p(w | t) / p(w))

  ``lambda = 1`` ranks by probability within the topic, ``lambda = 0`` by lift (terms
  particular to the topic); Sievert and Shirley found about 0.6 best for reading topics,
  the page's default. ``p(w) = sum_t p(t) p(w | t)`` is the term's marginal probability
  under the model. Each bar shows ``p(w)`` (grey) and the topic's part of it,
  ``p(t) p(w | t)`` (coloured);
* the documents with the largest share of the topic, by ``doc_id`` with their metadata.

A link can open a given view: ``topics.html#topic=2&lambda=0.3``.

For every slider position (steps of 0.01) the page shows exactly the top terms that
:func:`relevance_ranking` computes: the file carries, per topic, the union of those top
lists and the page ranks them (ties broken alphabetically, as here).

The bytes depend only on the model and the arguments: no time stamps, no random
element ids, keys sorted, floats in Python's shortest round-trip form.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from initiative_lib.checks import check_int
from initiative_lib.corpus.features import atomic_write_text
from initiative_lib.topics.model import TopicModel

#: the slider's positions: lambda in steps of 0.01
LAMBDA_STEPS = 100
DEFAULT_LAMBDA = 0.6


def topic_prevalence_shares(model: TopicModel) -> np.ndarray:
    """``p(t)``: each topic's share of all modelled tokens (rows weighted by their tokens).

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> from initiative_lib.topics import fit_topics
    >>> dtm, _ = synthetic_dtm(n_docs=10, n_terms=8, k=2, random_state=0)
    >>> float(topic_prevalence_shares(fit_topics(dtm, 2, method="nmf", random_state=0)).sum())
    1.0
    """
    theta = model.segment_topics.to_numpy()
    weights = model.tokens.to_numpy(dtype=float)
    total = weights.sum()
    if total <= 0:
        return np.full(model.k, 1.0 / model.k)
    shares = weights @ theta / total
    return shares / shares.sum()


def relevance(beta: np.ndarray, marginal: np.ndarray, lam: float) -> np.ndarray:
    """Relevance of each term for one topic (``-inf`` where ``p(w | t) = 0``).

    Examples
    --------
    >>> relevance(np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.5, 0.25]), 0.0).round(3).tolist()
    [0.693, 0.0, -inf]
    """
    out = np.full(beta.shape, -np.inf)
    pos = beta > 0
    out[pos] = lam * np.log(beta[pos]) + (1.0 - lam) * np.log(beta[pos] / marginal[pos])
    return out


def relevance_ranking(model: TopicModel, topic: int, lam: float, n: int = 30) -> list[str]:
    """The ``n`` most relevant terms of ``topic`` at ``lam`` (ties alphabetically); what the page shows.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> from initiative_lib.topics import fit_topics
    >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=30, k=2, random_state=0)
    >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
    >>> relevance_ranking(model, 0, 1.0, 3) == model.top_terms(3).query("topic == 0")["term"].tolist()
    True
    """
    topic = check_int(topic, "topic", minimum=0, maximum=model.k - 1)
    n = check_int(n, "n", minimum=1)
    if isinstance(lam, bool) or not isinstance(lam, int | float) or not 0 <= lam <= 1:
        msg = f"lam must be a number in [0, 1]; got {lam!r}"
        raise ValueError(msg)
    beta = model.topic_term.to_numpy()
    marginal = topic_prevalence_shares(model) @ beta
    terms = model.vocab.to_numpy(dtype=object).astype(str)
    return [terms[i] for i in _top(relevance(beta[topic], marginal, float(lam)), terms, n)]


def _top(score: np.ndarray, terms: np.ndarray, n: int) -> np.ndarray:
    finite = np.flatnonzero(np.isfinite(score))
    order = finite[np.lexsort((terms[finite], -score[finite]))]
    return order[:n]


def _metadata(model: TopicModel) -> pd.DataFrame:
    meta = model.document_rows()
    keep = [c for c in meta.columns if meta[c].dtype.kind in "biuO" or str(meta[c].dtype) in {"str", "string"}]
    out = meta[keep].astype(object).where(meta[keep].notna(), "")
    return out.astype(str)


def explorer_data(model: TopicModel, *, n_terms: int = 30, n_docs: int = 30) -> dict[str, Any]:
    """The data the explorer page embeds (JSON-ready; floats as Python floats)."""
    n_terms = check_int(n_terms, "n_terms", minimum=1)
    n_docs = check_int(n_docs, "n_docs", minimum=1)
    beta = model.topic_term.to_numpy()
    prevalence = topic_prevalence_shares(model)
    marginal = prevalence @ beta
    terms = model.vocab.to_numpy(dtype=object).astype(str)
    labels = model.topic_labels(3, by="frex")
    doc_shares = model.document_topics
    meta = _metadata(model)
    lambdas = np.arange(LAMBDA_STEPS + 1) / LAMBDA_STEPS
    topics = []
    used_docs: set[str] = set()
    for t in range(model.k):
        pool: set[int] = set()
        for lam in lambdas:
            pool.update(_top(relevance(beta[t], marginal, float(lam)), terms, n_terms).tolist())
        idx = sorted(pool, key=lambda i: terms[i])
        shares = doc_shares.iloc[:, t].to_numpy()
        ids = doc_shares.index.to_numpy(dtype=object).astype(str)
        order = np.lexsort((ids, -shares))[:n_docs]
        used_docs.update(ids[order].tolist())
        topics.append(
            {
                "topic": t,
                "label": str(labels.iloc[t]),
                "prevalence": float(prevalence[t]),
                "terms": [terms[i] for i in idx],
                "beta": [float(beta[t, i]) for i in idx],
                "marginal": [float(marginal[i]) for i in idx],
                "docs": [[ids[i], float(shares[i])] for i in order],
            }
        )
    docs = {d: meta.loc[d].to_dict() for d in sorted(used_docs)} if len(meta.columns) else {d: {} for d in used_docs}
    return {
        "k": model.k,
        "method": model.method,
        "n_terms": n_terms,
        "lambda": DEFAULT_LAMBDA,
        "steps": LAMBDA_STEPS,
        "columns": list(meta.columns),
        "topics": topics,
        "docs": docs,
    }


def topic_explorer_html(model: TopicModel, *, n_terms: int = 30, n_docs: int = 30, title: str | None = None) -> str:
    """The explorer page as a string (see the module docstring).

    Parameters
    ----------
    model : TopicModel
    n_terms : int
        Terms shown per topic.
    n_docs : int
        Documents listed per topic (largest share first).
    title : str, optional
        Page title; default ``"Topic explorer: <method>, K = <k>"``.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> from initiative_lib.topics import fit_topics
    >>> dtm, _ = synthetic_dtm(n_docs=10, n_terms=20, k=2, random_state=0)
    >>> page = topic_explorer_html(fit_topics(dtm, 2, method="nmf", random_state=0))
    >>> page.startswith("<!DOCTYPE html>"), "http" in page
    (True, False)
    """
    if not isinstance(model, TopicModel):
        msg = f"model must be a TopicModel; got {type(model).__name__}"
        raise TypeError(msg)
    if title is not None and not isinstance(title, str):
        msg = f"title must be a string or None; got {type(title).__name__}"
        raise TypeError(msg)
    data = explorer_data(model, n_terms=n_terms, n_docs=n_docs)
    payload = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    title = title if title is not None else f"Topic explorer: {model.method.upper()}, K = {model.k}"
    return _PAGE.replace("@TITLE@", html.escape(title)).replace("@DATA@", payload)


def write_topic_explorer(
    model: TopicModel,
    path: str | os.PathLike[str],
    *,
    n_terms: int = 30,
    n_docs: int = 30,
    title: str | None = None,
) -> Path:
    """Write the explorer page to ``path`` (atomically) and return the path.

    Examples
    --------
    >>> import tempfile
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> from initiative_lib.topics import fit_topics
    >>> dtm, _ = synthetic_dtm(n_docs=10, n_terms=20, k=2, random_state=0)
    >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_topic_explorer(model, f"{tmp}/topics.html").stat().st_size > 1000
    True
    """
    out = Path(path)
    if out.suffix.lower() not in {".html", ".htm"}:
        msg = f"path must end in .html; got {str(path)!r}"
        raise ValueError(msg)
    atomic_write_text(out, topic_explorer_html(model, n_terms=n_terms, n_docs=n_docs, title=title))
    return out


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; }
header { padding: 0.6em 1em; border-bottom: 1px solid #ccc; }
h1 { font-size: 1.25em; margin: 0; }
main { display: grid; grid-template-columns: 16em 1fr 1fr; gap: 1em; padding: 1em; }
#topics button { display: block; width: 100%; text-align: left; margin: 0 0 0.25em; padding: 0.3em 0.5em;
  border: 1px solid #ccc; background: #fafafa; cursor: pointer; font: inherit; }
#topics button[aria-pressed="true"] { background: #d7e6f5; border-color: #3b75af; }
#topics .share { float: right; color: #555; }
.bar-row { display: grid; grid-template-columns: 9em 1fr; align-items: center; gap: 0.4em; margin: 1px 0; }
.bar-row .term { text-align: right; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar { position: relative; height: 14px; }
.bar .all { position: absolute; height: 100%; background: #c8c8c8; }
.bar .topic { position: absolute; height: 100%; background: #c0392b; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.15em 0.4em; text-align: left; vertical-align: top; }
.note { color: #555; font-size: 0.9em; }
label { display: block; margin: 0.4em 0; }
</style>
</head>
<body>
<header><h1>@TITLE@</h1>
<p class="note">Select a topic. Terms are ranked by relevance = &lambda; log p(w|t) + (1 &minus; &lambda;)
log(p(w|t) / p(w)) (Sievert and Shirley 2014). Grey: the term's overall probability p(w);
red: the topic's part of it, p(t) p(w|t).</p></header>
<main>
<nav id="topics" aria-label="Topics"></nav>
<section>
<h2 id="terms-title">Terms</h2>
<label>&lambda; = <output id="lambda-value"></output>
<input id="lambda" type="range" min="0" max="100" step="1"></label>
<div id="terms"></div>
</section>
<section>
<h2 id="docs-title">Documents</h2>
<table id="docs"><thead></thead><tbody></tbody></table>
</section>
</main>
<script type="application/json" id="explorer-data">@DATA@</script>
<script>
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const slider = document.getElementById("lambda");
  const nav = document.getElementById("topics");
  let current = 0;
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function pct(x) { return (100 * x).toFixed(1) + "%"; }
  function relevance(b, m, lam) {
    if (b <= 0) return -Infinity;
    return lam * Math.log(b) + (1 - lam) * Math.log(b / m);
  }
  function ranked(t, lam) {
    const idx = t.terms.map(function (_, i) { return i; });
    const r = idx.map(function (i) { return relevance(t.beta[i], t.marginal[i], lam); });
    idx.sort(function (a, b) {
      if (r[a] !== r[b]) return r[b] - r[a];
      return t.terms[a] < t.terms[b] ? -1 : (t.terms[a] > t.terms[b] ? 1 : 0);
    });
    return idx.filter(function (i) { return isFinite(r[i]); }).slice(0, data.n_terms);
  }
  function drawTerms() {
    const t = data.topics[current];
    const lam = Number(slider.value) / data.steps;
    document.getElementById("lambda-value").textContent = lam.toFixed(2);
    const box = document.getElementById("terms");
    box.replaceChildren();
    const shown = ranked(t, lam);
    let top = 0;
    shown.forEach(function (i) { top = Math.max(top, t.marginal[i]); });
    shown.forEach(function (i) {
      const row = el("div", undefined, "bar-row");
      row.setAttribute("data-term", t.terms[i]);
      row.appendChild(el("span", t.terms[i], "term"));
      const bar = el("div", undefined, "bar");
      const all = el("div", undefined, "all");
      all.style.width = (100 * t.marginal[i] / top) + "%";
      const part = el("div", undefined, "topic");
      part.style.width = (100 * Math.min(t.marginal[i], t.prevalence * t.beta[i]) / top) + "%";
      bar.title = "p(w|t) = " + t.beta[i].toPrecision(3) + ", p(w) = " + t.marginal[i].toPrecision(3);
      bar.appendChild(all);
      bar.appendChild(part);
      row.appendChild(bar);
      box.appendChild(row);
    });
    document.getElementById("terms-title").textContent = "Terms of topic " + t.label;
  }
  function drawDocs() {
    const t = data.topics[current];
    const head = document.querySelector("#docs thead");
    const body = document.querySelector("#docs tbody");
    head.replaceChildren();
    body.replaceChildren();
    const hr = el("tr");
    ["doc_id", "share"].concat(data.columns).forEach(function (c) { hr.appendChild(el("th", c)); });
    head.appendChild(hr);
    t.docs.forEach(function (d) {
      const tr = el("tr");
      tr.appendChild(el("td", d[0]));
      tr.appendChild(el("td", pct(d[1])));
      const meta = data.docs[d[0]] || {};
      data.columns.forEach(function (c) { tr.appendChild(el("td", meta[c] === undefined ? "" : meta[c])); });
      body.appendChild(tr);
    });
    document.getElementById("docs-title").textContent = "Documents with the largest share of topic " + t.topic;
  }
  function select(k) {
    current = k;
    nav.querySelectorAll("button").forEach(function (b, i) { b.setAttribute("aria-pressed", String(i === k)); });
    drawTerms();
    drawDocs();
  }
  data.topics.forEach(function (t, k) {
    const b = el("button");
    b.type = "button";
    b.appendChild(el("span", pct(t.prevalence), "share"));
    b.appendChild(document.createTextNode(t.label));
    b.addEventListener("click", function () { select(k); });
    nav.appendChild(b);
  });
  // a link may choose the view: page.html#topic=2&lambda=0.3
  const want = new URLSearchParams(window.location.hash.slice(1));
  let lam0 = Number(want.get("lambda"));
  if (!want.has("lambda") || !(lam0 >= 0 && lam0 <= 1)) lam0 = data.lambda;
  let k0 = Number(want.get("topic"));
  if (!Number.isInteger(k0) || k0 < 0 || k0 >= data.k) k0 = 0;
  slider.value = String(Math.round(lam0 * data.steps));
  slider.addEventListener("input", drawTerms);
  select(k0);
})();
</script>
</body>
</html>
"""
