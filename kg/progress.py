"""progress: one self-rewriting stderr line for long runs (builds, links, exports).

``[build] extract  4200/10000  42%  350/s  0:16 left`` — with the rate and the
time left, redrawn at most a few times a second. Quiet when stderr is not a
terminal (CI logs, pipes, tests), so nothing is ever written that a script
would have to filter. No dependency: a progress bar is a dozen lines.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import BinaryIO, TextIO

REDRAW_EVERY = 0.2  # seconds between redraws: a terminal cannot show more anyway


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """A progress line: ``with Progress(total, "extract") as bar: bar.advance(n)``.

    :param total: how many items there will be (None or 0: unknown, no percentage).
    :param label: what is being counted.
    :param unit: the items' name in the rate ("articles/s").
    :param stream: where to draw (default: stderr).
    :param enabled: force drawing on or off (default: only when ``stream`` is a terminal
        and ``KG_PROGRESS`` is not ``0``).
    """

    def __init__(self, total: int | None, label: str, *, unit: str = "", stream: TextIO | None = None,
                 enabled: bool | None = None) -> None:
        self.total = total or 0
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            # os.environ is read here rather than through kg.config: a display
            # preference of the terminal, not a setting of the build.
            enabled = _isatty(self.stream) and os.environ.get("KG_PROGRESS", "1") != "0"
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more items done; redraw if it is time to."""
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= REDRAW_EVERY or (self.total and self.done >= self.total)):
            self._drawn = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The text of the progress line as it stands."""
        elapsed = max(1e-9, (now if now is not None else time.monotonic()) - self.started)
        rate = self.done / elapsed
        unit = f" {self.unit}/s" if self.unit else "/s"
        if self.total:
            pct = min(100, int(100 * self.done / self.total))
            left = (self.total - self.done) / rate if rate > 0 else 0.0
            return f"[kg] {self.label} {self.done}/{self.total} {pct:3d}% {rate:,.0f}{unit} {_clock(left)} left"
        return f"[kg] {self.label} {self.done} {rate:,.0f}{unit} {_clock(elapsed)}"

    def _draw(self, now: float) -> None:
        text = self.line(now)
        pad = " " * max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + pad)
        self.stream.flush()

    def close(self) -> None:
        """Erase the line, so the command's own report starts on a clean line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real file
        return False


class ProgressWriter:
    """A binary output that counts what goes through it in MB, for exports of unknown size.

    Counting bytes at each ``write`` costs nothing per triple: the serialiser writes
    in blocks.
    """

    def __init__(self, output: BinaryIO, label: str, *, enabled: bool | None = None) -> None:
        self.output = output
        self.bar = Progress(None, label, unit="MB", enabled=enabled)
        self.bytes = 0

    def write(self, data: bytes) -> int:
        written = self.output.write(data)
        before = self.bytes >> 20
        self.bytes += len(data)
        if (self.bytes >> 20) > before:
            self.bar.advance((self.bytes >> 20) - before)
        return written if written is not None else len(data)

    def flush(self) -> None:
        self.output.flush()

    def __enter__(self) -> ProgressWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
