"""The stored notebooks show every figure they save, and show the committed image.

nbval compares text outputs only; these tests read the stored notebooks: each
code cell that calls ``save_figure(fig, "name")`` must hold a PNG output, and
that PNG must be the bytes of the committed ``figures/name.png`` (shown at
100 pixels per inch of the 300 dpi file).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from initiative_lib.paths import DEFAULT_FIGURES_DIR

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SAVE = re.compile(r"""save_figure\(\s*\w+\s*,\s*["']([\w-]+)["']""")


def _figure_cells(path: Path) -> list[tuple[int, str, dict]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        found.extend((index, name, cell) for name in SAVE.findall(source))
    return found


def _pngs(cell: dict) -> list[tuple[bytes, dict]]:
    out = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            payload = data["image/png"]
            payload = "".join(payload) if isinstance(payload, list) else payload
            out.append((base64.b64decode(payload), output.get("metadata", {}).get("image/png", {})))
    return out


def test_the_notebooks_save_figures():
    assert NOTEBOOKS
    names = [name for nb in NOTEBOOKS for _, name, _ in _figure_cells(nb)]
    assert len(names) == len(set(names)), "two cells save a figure under the same name"
    committed = {p.stem for p in DEFAULT_FIGURES_DIR.glob("*.png")}
    assert set(names) == committed, "every committed figure is saved by a notebook, and only those"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_saved_figure_is_shown_where_it_is_drawn(notebook):
    for index, name, cell in _figure_cells(notebook):
        pngs = _pngs(cell)
        assert len(pngs) == 1, f"{notebook.name} cell {index} saves {name!r} but shows {len(pngs)} picture(s)"
        png, meta = pngs[0]
        committed = (DEFAULT_FIGURES_DIR / f"{name}.png").read_bytes()
        assert png == committed, f"{notebook.name} cell {index} shows another image than figures/{name}.png"
        width = int.from_bytes(png[16:20], "big")
        assert meta.get("width") == round(width / 3), "shown at 100 pixels per inch of the 300 dpi file"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_shows_a_picture_it_does_not_save(notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    saving = {index for index, _, _ in _figure_cells(notebook)}
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and index not in saving:
            assert not _pngs(cell), f"{notebook.name} cell {index} shows a figure that is not saved"


# --- the runner ------------------------------------------------------------------------------------


def _tiny_notebook(path: Path, body: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


BODY = (
    "from initiative_lib.progress import progress_bar\ntotal = sum(progress_bar(range(5), desc='demo'))\nprint(total)"
)


@pytest.mark.slow
def test_runner_two_at_a_time_gives_the_outputs_of_one_at_a_time(tmp_path, monkeypatch):
    from initiative_lib.notebooks import run_notebooks

    monkeypatch.setenv("INITIATIVE_PROGRESS", "0")
    one = [_tiny_notebook(tmp_path / f"one-{i}.ipynb", BODY.replace("5", str(5 + i))) for i in range(2)]
    two = [_tiny_notebook(tmp_path / f"two-{i}.ipynb", BODY.replace("5", str(5 + i))) for i in range(2)]
    run_notebooks(one, jobs=1)
    run_notebooks(two, jobs=2)
    for a, b in zip(one, two, strict=True):
        assert json.loads(a.read_text())["cells"][0]["outputs"] == json.loads(b.read_text())["cells"][0]["outputs"]
    stored = json.loads(one[1].read_text())["cells"][0]["outputs"]
    assert stored == [{"name": "stdout", "output_type": "stream", "text": ["15\n"]}]  # no bar, no timing


@pytest.mark.slow
def test_progress_shows_as_a_widget_in_a_kernel(tmp_path, monkeypatch):
    from initiative_lib.notebooks import run_notebook

    monkeypatch.delenv("INITIATIVE_PROGRESS", raising=False)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    path = _tiny_notebook(tmp_path / "bar.ipynb", BODY)
    run_notebook(path)
    outputs = json.loads(path.read_text())["cells"][0]["outputs"]
    kinds = [sorted(o.get("data", {})) for o in outputs]
    assert ["application/vnd.jupyter.widget-view+json", "text/plain"] in kinds
    assert outputs[-1]["text"] == ["10\n"]


def test_runner_rejects_bad_jobs():
    from initiative_lib.notebooks import run_notebooks

    with pytest.raises(ValueError, match="jobs must be an int >= 1"):
        run_notebooks([], jobs=0)


@pytest.mark.slow
def test_runner_kernels_do_not_warn_of_plain_text_sockets(tmp_path):
    import subprocess
    import sys

    zmq = pytest.importorskip("zmq")
    if not zmq.has("curve"):
        pytest.skip("this pyzmq has no CurveZMQ: the kernels run unencrypted and warn")
    path = _tiny_notebook(tmp_path / "quiet.ipynb", "print(6 * 7)")
    done = subprocess.run(
        [sys.executable, "-m", "initiative_lib.notebooks", str(path), "--jobs", "1"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "without encryption" not in done.stderr
    assert "ran quiet.ipynb in" in done.stderr
    assert json.loads(path.read_text())["cells"][0]["outputs"][0]["text"] == ["42\n"]


@pytest.mark.slow
def test_lab_kernels_run_code_on_encrypted_sockets(tmp_path):
    """JupyterLab started with ``lab_arguments()`` (as ``python3 tasks.py lab`` does) runs code, and no kernel warns."""
    import asyncio
    import os
    import signal
    import socket
    import subprocess
    import sys
    import uuid

    zmq = pytest.importorskip("zmq")
    pytest.importorskip("jupyterlab")
    httpclient = pytest.importorskip("tornado.httpclient")
    websocket = pytest.importorskip("tornado.websocket")
    from initiative_lib.notebooks import lab_arguments

    if not zmq.has("curve"):
        pytest.skip("this pyzmq has no CurveZMQ")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    log = tmp_path / "lab.log"
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
           "--ServerApp.open_browser=False", "--ServerApp.allow_root=True", "--IdentityProvider.token=t",
           f"--ServerApp.root_dir={tmp_path}", *lab_arguments()]  # fmt: skip
    base, auth = f"127.0.0.1:{port}", {"Authorization": "token t"}

    async def run_code() -> str:
        client = httpclient.AsyncHTTPClient()
        for _ in range(120):  # the server takes a few seconds to start
            try:
                await client.fetch(httpclient.HTTPRequest(f"http://{base}/api/status", headers=auth))
                break
            except (ConnectionError, httpclient.HTTPClientError, OSError):
                await asyncio.sleep(0.5)
        kernel = await client.fetch(
            httpclient.HTTPRequest(
                f"http://{base}/api/kernels", method="POST", body='{"name": "python3"}', headers=auth
            )
        )
        kid = json.loads(kernel.body)["id"]
        url = f"ws://{base}/api/kernels/{kid}/channels?session_id=test"
        ws = await websocket.websocket_connect(httpclient.HTTPRequest(url, headers=auth))
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "t", "session": "test", "msg_type": "execute_request", "version": "5.3"}
        content = {"code": "print(6 * 7)", "silent": False, "store_history": False, "user_expressions": {},
                   "allow_stdin": False}  # fmt: skip
        ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                     "channel": "shell", "buffers": []}))  # fmt: skip
        while True:
            message = await asyncio.wait_for(ws.read_message(), 60)
            assert message is not None, "the kernel's channel closed before any output"
            if isinstance(message, str):
                reply = json.loads(message)
                if reply.get("msg_type") == "stream" and reply["parent_header"].get("msg_id") == msg_id:
                    return reply["content"]["text"]

    with log.open("w") as err:
        server = subprocess.Popen(cmd, stdout=err, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        try:
            assert asyncio.run(asyncio.wait_for(run_code(), 120)) == "42\n"
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:  # pragma: no cover - a server that does not stop
                server.kill()
    assert "without encryption" not in log.read_text()
