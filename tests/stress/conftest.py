"""The stress suite's summary block: every stress test adds lines; ``make stress`` prints them."""

from __future__ import annotations

from pathlib import Path

import pytest

SUMMARY: list[str] = []
ARTIFACT = Path(__file__).resolve().parents[1] / "artifacts" / "stress-summary.txt"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not SUMMARY:
        return
    lines = ["Chronicon stress summary (issue 7)", *SUMMARY]
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    terminalreporter.section("stress summary")
    for line in lines:
        terminalreporter.write_line(line)
