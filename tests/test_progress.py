"""Progress bars: tqdm.auto, on when asked, off in tests and in the notebook runner."""

from __future__ import annotations

import pytest

from initiative_lib.progress import PROGRESS_ENV, Progress, progress_bar, want_progress


def test_the_argument_decides(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "0")
    assert want_progress(True) is True
    monkeypatch.setenv(PROGRESS_ENV, "1")
    assert want_progress(False) is False


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("0", False), (" 1 ", True)])
def test_the_environment_decides_when_the_argument_is_none(monkeypatch, value, expected):
    monkeypatch.setenv(PROGRESS_ENV, value)
    assert want_progress(None) is expected


def test_off_under_pytest_by_default(monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert want_progress(None) is False


@pytest.mark.parametrize("bad", ["yes", "true", "2"])
def test_a_bad_environment_value_is_an_error(monkeypatch, bad):
    monkeypatch.setenv(PROGRESS_ENV, bad)
    with pytest.raises(ValueError, match=rf"\${PROGRESS_ENV} must be 0 .* or 1 .*; got '{bad}'"):
        want_progress(None)


@pytest.mark.parametrize("bad", [1, "yes", 0.0])
def test_a_bad_argument_is_an_error(bad):
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        want_progress(bad)


def test_progress_bar_yields_every_item_and_draws_on_stderr_only(capsys):
    assert list(progress_bar(iter(range(4)), total=4, desc="fits", progress=True)) == [0, 1, 2, 3]
    out = capsys.readouterr()
    assert out.out == ""
    assert "fits: 100%" in out.err
    assert "4/4" in out.err


def test_progress_bar_off_is_silent(capsys):
    assert list(progress_bar(range(3), desc="fits", progress=None)) == [0, 1, 2]
    assert capsys.readouterr() == ("", "")


def test_hand_counted_progress(capsys):
    bar = Progress("read", 3, enabled=True, every=1)
    for _ in range(3):
        bar.step()
    bar.done()
    assert bar.count == 3
    out = capsys.readouterr()
    assert out.out == ""
    assert "read: 100%" in out.err
    quiet = Progress("read", 3, enabled=False)
    quiet.step()
    quiet.done()
    assert capsys.readouterr() == ("", "")
