"""The progress line: drawn on a terminal only, with the rate and the time left."""

from __future__ import annotations

import io

from kg.progress import Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_quiet_when_not_on_a_terminal() -> None:
    out = io.StringIO()
    with Progress(10, "extract", stream=out) as bar:
        bar.advance(10)
    assert out.getvalue() == ""


def test_progress_draws_rate_and_time_left_then_erases_itself() -> None:
    out = _Tty()
    with Progress(100, "extract", unit="articles", stream=out) as bar:
        bar.advance(50)
        assert "50/100" in bar.line() and "50%" in bar.line() and "articles/s" in bar.line() and "left" in bar.line()
    text = out.getvalue()
    assert "\r[kg] extract 50/100" in text
    assert text.endswith("\r")  # the line is blanked out: the command's report starts clean


def test_progress_without_a_total_counts_and_shows_elapsed_time() -> None:
    bar = Progress(None, "link", enabled=False)
    bar.advance(3)
    assert bar.line().startswith("[kg] link 3 ") and "%" not in bar.line()


def test_progress_can_be_turned_off_on_a_terminal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_PROGRESS", "0")
    out = _Tty()
    with Progress(5, "scan", stream=out) as bar:
        bar.advance(5)
    assert out.getvalue() == ""


def test_progress_writer_counts_megabytes_and_passes_bytes_through() -> None:
    from kg.progress import ProgressWriter

    sink = io.BytesIO()
    with ProgressWriter(sink, "export nq", enabled=False) as out:
        out.write(b"x" * (3 << 20))
        out.write(b"y")
    assert out.bar.done == 3 and sink.getvalue().endswith(b"xy")
