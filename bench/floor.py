"""The floor of a build: what no build of these files can avoid.

(a) reading every file, parsing its front matter with PyYAML's C loader and
splitting its body into sentences; (b) ``oxigraph load`` of the N-Quads the
build produced. A build can only be compared with the floor measured on the
same machine in the same run: the ratio is the figure, not the seconds.

``python -m bench.floor DIR`` prints (a) in seconds.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import yaml

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def read_floor(directory: str | Path) -> tuple[float, int]:
    """(seconds, sentences) to read, parse the front matter of and split every article."""
    start = time.perf_counter()
    sentences = 0
    for path in sorted(Path(directory).glob("*.md")):
        text = path.read_bytes().decode("utf-8", "replace")
        body = text
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            if end > 0:
                try:
                    yaml.load(text[4:end], Loader=yaml.CSafeLoader)  # noqa: S506 - the safe C loader
                except yaml.YAMLError:
                    pass
                body = text[end + 5 :]
        for paragraph in body.split("\n\n"):
            sentences += len(_SENTENCE.split(paragraph))
    return time.perf_counter() - start, sentences


if __name__ == "__main__":
    seconds, count = read_floor(sys.argv[1])
    print(f"{seconds:.3f} s, {count} sentences")
