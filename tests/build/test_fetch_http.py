"""fetch against a local HTTP server on 127.0.0.1 (never the internet): a total deadline per file,
a size cap while streaming, retries of transient failures, and the URL named in every error.

The served bytes are invented; the end-to-end test of ``fetch_texts`` serves files of the offline
mirror and is skipped without it.
"""

from __future__ import annotations

import csv
import hashlib
import http.server
import io
import shutil
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import MIRROR

from initiative_lib.build.fetch import FetchError, download_file, fetch_texts
from initiative_lib.corpus import schema
from initiative_lib.corpus.load import checksum_lines
from initiative_lib.errors import ChecksumError

BODY = b"An invented source file.\n" * 400  # 10 kB


class Server:
    """A local HTTP server whose behaviour per path the test sets; counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                return None

            def do_GET(self) -> None:  # the name http.server calls
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                route(self, server.hits[self.path])  # type: ignore[operator]

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(body: bytes, length: int | None = None):
    def route(h: http.server.BaseHTTPRequestHandler, _hit: int) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(body) if length is None else length))
        h.end_headers()
        h.wfile.write(body)

    return route


def trickle(body: bytes, every: float):
    def route(h: http.server.BaseHTTPRequestHandler, _hit: int) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for i in range(len(body)):
                h.wfile.write(body[i : i + 1])
                h.wfile.flush()
                time.sleep(every)
        except OSError:
            return

    return route


def fail_first(n: int, status: int, body: bytes):
    def route(h: http.server.BaseHTTPRequestHandler, hit: int) -> None:
        if hit <= n:
            h.send_error(status)
            return
        serve(body)(h, hit)

    return route


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


SHA = hashlib.sha256(BODY).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_streams_verifies_and_caches(server: Server, tmp_path: Path) -> None:
    server.routes["/a.txt"] = serve(BODY)
    target = tmp_path / "cache" / "sub" / "a.txt"
    assert download_file(server.url("/a.txt"), target, sha256=SHA, n_bytes=len(BODY)) == target
    assert target.read_bytes() == BODY
    assert leftovers(target.parent) == ["a.txt"]
    download_file(server.url("/a.txt"), target, sha256=SHA, n_bytes=len(BODY))
    assert server.hits["/a.txt"] == 1  # already cached with the right hash: no second request


def test_trickling_server_is_stopped_at_the_deadline(server: Server, tmp_path: Path) -> None:
    server.routes["/slow.txt"] = trickle(BODY, every=0.05)  # would take 500 s
    url = server.url("/slow.txt")
    start = time.monotonic()
    with pytest.raises(FetchError, match=rf"could not download {url}: the deadline for this file passed"):
        download_file(url, tmp_path / "c" / "slow.txt", sha256=SHA, n_bytes=len(BODY), timeout=5, deadline=1.5)
    assert time.monotonic() - start < 6
    assert leftovers(tmp_path / "c") == []


def test_more_bytes_than_n_bytes_stops(server: Server, tmp_path: Path) -> None:
    server.routes["/big.txt"] = serve(BODY * 10)
    url = server.url("/big.txt")
    with pytest.raises(FetchError, match=rf"{url}: more than the {len(BODY)} bytes"):
        download_file(url, tmp_path / "c" / "big.txt", sha256=SHA, n_bytes=len(BODY))
    assert server.hits["/big.txt"] == 1
    assert leftovers(tmp_path / "c") == []


@pytest.mark.parametrize("status", [503, 429, 500])
def test_transient_failures_are_retried(server: Server, tmp_path: Path, status: int) -> None:
    server.routes["/flaky.txt"] = fail_first(1, status, BODY)
    target = tmp_path / "c" / "flaky.txt"
    download_file(server.url("/flaky.txt"), target, sha256=SHA, n_bytes=len(BODY), retries=2)
    assert target.read_bytes() == BODY
    assert server.hits["/flaky.txt"] == 2


def test_retries_run_out_and_name_the_url(server: Server, tmp_path: Path) -> None:
    server.routes["/down.txt"] = fail_first(99, 503, BODY)
    url = server.url("/down.txt")
    with pytest.raises(FetchError, match=rf"could not download {url} after 2 attempt\(s\): .*503"):
        download_file(url, tmp_path / "c" / "down.txt", sha256=SHA, retries=1)
    assert server.hits["/down.txt"] == 2
    assert leftovers(tmp_path / "c") == []


def test_not_found_is_not_retried(server: Server, tmp_path: Path) -> None:
    url = server.url("/missing.txt")
    with pytest.raises(FetchError, match=rf"could not download {url}: HTTP 404"):
        download_file(url, tmp_path / "c" / "missing.txt", sha256=SHA, retries=3)
    assert server.hits["/missing.txt"] == 1


def test_cut_short_transfer_is_retried_then_named(server: Server, tmp_path: Path) -> None:
    """A server that promises more bytes than it sends: no bare IncompleteRead, the URL is named."""
    server.routes["/short.txt"] = serve(BODY[:100], length=len(BODY))
    url = server.url("/short.txt")
    with pytest.raises(FetchError, match=rf"could not download {url} after 2 attempt\(s\)"):
        download_file(url, tmp_path / "c" / "short.txt", sha256=SHA, n_bytes=len(BODY), retries=1, timeout=3)
    assert leftovers(tmp_path / "c") == []


def test_wrong_bytes_raise_checksum_error_naming_url(server: Server, tmp_path: Path) -> None:
    wrong = b"<html>not the file</html>"
    server.routes["/wrong.txt"] = serve(wrong)
    url = server.url("/wrong.txt")
    with pytest.raises(ChecksumError, match=rf"^{url}: SHA-256 mismatch; expected {SHA}") as err:
        download_file(url, tmp_path / "c" / "wrong.txt", sha256=SHA, retries=0)
    assert hashlib.sha256(wrong).hexdigest() in str(err.value)
    assert leftovers(tmp_path / "c") == []


def test_connection_refused_names_url(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.txt"  # nothing listens there
    with pytest.raises(FetchError, match=rf"could not download {url} after 1 attempt\(s\)"):
        download_file(url, tmp_path / "c" / "x.txt", sha256=SHA, retries=0)


def test_non_http_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"refusing to download 'file:///etc/passwd'"):
        download_file("file:///etc/passwd", tmp_path / "c" / "x", sha256=SHA, retries=0)


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"offline mirror {MIRROR} not available")
@pytest.mark.mirror
def test_fetch_texts_end_to_end(server: Server, tmp_path: Path) -> None:
    """A corpus whose sources.csv points at the local server, serving the mirror's files."""
    from initiative_lib.build import from_mirror as build
    from initiative_lib.build.sources import netmundial

    out = tmp_path / "corpus"
    catalogue = build.read_catalogue()
    chosen = [r for r in catalogue if r["include"] == "true"][:1]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build, "read_catalogue", lambda *a, **k: chosen)
        mp.setattr(netmundial, "submission_ids", lambda folder: ["001"])
        mp.setattr(build, "UNGDC_DIR", "not-built-here")  # the General Debate part is not needed
        build.build_corpus(MIRROR, out)
    path = out / schema.SOURCES_FILE
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    for row in rows:
        quoted = urllib.parse.quote(f"/{row['source_path']}")  # paths with spaces
        server.routes[quoted] = serve((MIRROR / row["source_path"]).read_bytes())
        row["source_url"] = server.url(quoted)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=schema.SOURCE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue())
    (out / schema.CHECKSUMS_FILE).write_text(checksum_lines(out))
    cache = tmp_path / "cache"
    paths = fetch_texts(cache_dir=cache, corpus_dir=out)
    assert sorted(paths) == sorted({r["source_path"] for r in rows})
    for row in rows:
        assert hashlib.sha256(paths[row["source_path"]].read_bytes()).hexdigest() == row["source_sha256"]
    shutil.rmtree(cache)
