"""A seeded, reproducible generator of realistic synthetic corpora.

Each synthetic article is a variant of one of the corpus articles (Markdown +
YAML front matter, as exported from Wikipedia):

- **new names**: every distinctive capitalised word of the templates' names
  (places, groups, conflicts) is replaced, consistently within an article, by
  an invented word drawn from a pool of variants of that word. Pools are shared
  by the whole corpus, so the same invented group or place recurs across
  articles as real ones do, and the number of distinct entities grows more
  slowly than the corpus (pool size ~ sqrt(N)). Structural words ("Army",
  "Governorate", month names) are kept, so the extractor sees the shapes it
  was written for ("Idlib Governorate Syria" → "Qarvesh Governorate Velmoria");
- **new dates**: every year is shifted by one offset per article;
- **sentence mixes**: each paragraph keeps most of its sentences, drops some,
  and borrows sentences from other templates' paragraphs;
- **a unique subject** per article (file stem and event IRI must not collide).

A small share of articles (``broken_rate``) are variants of the two corpus
articles that are broken on purpose, so a build also meets bad input.

Article ``i`` depends only on ``(seed, i, N's pool size)``: generation is
reproducible and can be parallel. ``python -m bench.generate DIR --n 1000``.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles"
if not CORPUS.is_dir():  # the project's own checkout lives beside shared/
    CORPUS = Path(os.environ.get("CHRONICON_CORPUS", "/work/shared/corpus/articles"))

MONTHS = "January February March April May June July August September October November December".split()
# Words that give a name its shape: kept, so the extractor's rules still apply.
STRUCTURAL = frozenset(
    MONTHS
    + """
    Army Armed Forces Force Front Battle Battles Siege Offensive Fall Governorate Province District City
    River Republic National Defense Defence Democratic Islamic State Government Military Council Civil War
    Wars Legion Brigade Brigades Division Corps Union Federal Election Elections Party Kingdom Empire United
    Northern Southern Eastern Western North South East West Old New Saint The A An And Of In On At By For
    From With To Conflicts Conflict Floods Flood Military Operations Sunday Monday Tuesday Wednesday Thursday
    Friday Saturday Free Coalition Campaign Front Sea Mountains Lake Hospital Station Wall Airport Base Camp
    Prime Minister President Chancellor General Field Marshal Duke Emperor King Queen Col Colonel Gen Maj
    Lt Commander Head Chief Minister Ministry Office According However Meanwhile Later Despite Also Then
    When While After Before During Following It He She They We This These That There Its Their His Her
    SOHR SDF ISIL ISIS FSA US UN NATO EU SPD CDU CSU Wikipedia References Notes
    """.split()
)
_NAME_WORD = re.compile(r"\b[A-Z][a-zà-ÿ'’-]{2,}\b")
_YEAR = re.compile(r"(?<![\d.,])(1[7-9]\d\d|20[0-2]\d)(?![\d.,]\d)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_ONSETS = "b c d f g h j k l m n p r s t v z br dr gr kr tr sh kh th ch st".split()
_VOWELS = "a e i o u a e i o ai ei ou".split()
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "sh", "k", "d", "t"]


@dataclass(frozen=True)
class Template:
    """One corpus article split into the parts a variant recombines."""

    name: str
    front: str  # the front matter's text, fences included
    lead: list[str]  # lead paragraphs
    sections: list[tuple[str, list[str]]]  # (heading line(s), paragraphs)
    tail: str  # reference sections and junk after the narrative, kept as written
    subject: str
    broken: bool


def _split(name: str, text: str) -> Template:
    broken = not text.startswith("---\n")
    if broken:
        front, body = "", text
    else:
        end = text.index("\n---\n", 4) + 5
        front, body = text[:end], text[end:]
    subject_match = re.search(r"^subject:\s*(.+)$", front, re.M)
    subject = subject_match.group(1).strip() if subject_match else name.replace("_", " ")
    tail_at = body.find("\n## References")
    tail = body[tail_at:] if tail_at >= 0 else ""
    body = body[:tail_at] if tail_at >= 0 else body
    lead: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for block in re.split(r"\n(?=## )", body.strip("\n")):
        lines = block.split("\n")
        if lines[0].startswith("## "):
            head = [ln for ln in lines if ln.startswith("## ") or ln.startswith("![")]
            paragraphs = [p.strip() for p in "\n".join(ln for ln in lines if ln not in head).split("\n\n") if p.strip()]
            sections.append(("\n".join(head), paragraphs))
        else:
            lead.extend(p.strip() for p in block.split("\n\n") if p.strip())
    return Template(name, front, lead, sections, tail, subject, broken)


@lru_cache(maxsize=1)
def templates(corpus: str = str(CORPUS)) -> tuple[list[Template], list[Template], list[str]]:
    """(good templates, broken templates, every narrative sentence of the good ones)."""
    good: list[Template] = []
    bad: list[Template] = []
    for path in sorted(Path(corpus).glob("*.md")):
        t = _split(path.stem, path.read_text(encoding="utf-8"))
        (bad if t.broken or "mapping values" in t.front or _front_is_broken(t.front) else good).append(t)
    sentences = [s for t in good for _, ps in t.sections for p in ps for s in _SENTENCE.split(p) if len(s) > 30]
    return good, bad, sentences


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """Capitalised words used as names: seen mid-sentence, not only where any word is capitalised."""
    good, _, _ = templates()
    words: set[str] = set()
    for t in good:
        text = "\n".join([t.front, *t.lead, *(p for _, ps in t.sections for p in ps)])
        for m in re.finditer(r"(?<=[a-z0-9,;:()'’] )[A-Z][a-zà-ÿ'’-]{2,}|(?<=\n  - )[A-Z][a-zà-ÿ'’-]{2,}", text):
            words.add(m.group(0))
    return frozenset(w for w in words if w not in STRUCTURAL)


def _front_is_broken(front: str) -> bool:
    import yaml

    try:
        yaml.safe_load(front.strip("-\n"))
        return False
    except yaml.YAMLError:
        return True


def _stable(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b("\0".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


def invented_word(word: str, variant: int, seed: int) -> str:
    """The ``variant``-th invented replacement of ``word``: pronounceable, capitalised, stable."""
    rng = random.Random(_stable("word", word, variant, seed))
    syllables = rng.choice((2, 2, 3))
    text = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)) + rng.choice(_CODAS)
    return text.capitalize()


def pool_size(n: int) -> int:
    """Variants per template word: distinct entities grow like sqrt(N), as shared names do."""
    return 6 + int(2 * math.sqrt(n))


def _subject_for(i: int, base: str) -> str:
    # A unique subject: a Wikipedia-style disambiguator keeps the name realistic.
    return f"{base} ({i})" if not base.endswith(")") else f"{base[:-1]}, {i})"


def article(i: int, n: int, seed: int = 1, broken_rate: float = 0.002) -> tuple[str, str]:
    """Synthetic article number ``i`` of a corpus of ``n``: (file name, text)."""
    good, bad, sentences = templates()
    rng = random.Random(_stable("article", i, seed))
    broken = bad and rng.random() < broken_rate
    t = rng.choice(bad if broken else good)
    variants = pool_size(n)
    names = name_words()
    year_shift = rng.randint(-40, 8)
    chosen: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        word = match.group(0)
        if word not in names and word.rstrip("'’s") not in names:
            return word
        if word not in chosen:
            invented = invented_word(word.rstrip("-"), rng.randrange(variants), seed)
            chosen[word] = invented + "-" if word.endswith("-") else invented
        return chosen[word]

    def shift(match: re.Match[str]) -> str:
        return str(int(match.group(0)) + year_shift)

    def fix(text: str) -> str:
        return _YEAR.sub(shift, _NAME_WORD.sub(rename, text))

    subject = _subject_for(i, fix(t.subject))
    front = fix(t.front.replace(t.subject, "\x00")).replace("\x00", subject)
    front = re.sub(r"^(pubDate: )\S+", lambda m: f"{m.group(1)}{2020 + i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}", front, flags=re.M)
    parts = [front] if front else []
    for p in t.lead:
        parts.append(fix(p.replace(t.subject, "\x00")).replace("\x00", subject))
    for head, paragraphs in t.sections:
        out = [fix(head)]
        for p in paragraphs:
            mixed: list[str] = []
            for s in _SENTENCE.split(p):
                roll = rng.random()
                if roll < 0.12:
                    continue  # dropped
                mixed.append(s)
                if roll > 0.82:  # borrowed from another article
                    mixed.append(rng.choice(sentences))
            if mixed:
                out.append(fix(" ".join(mixed)))
        parts.append("\n".join(out[:1]) + "\n" + "\n\n".join(out[1:]))
    text = "\n\n".join(parts) + t.tail + ("\n" if not t.tail.endswith("\n") else "")
    stem = re.sub(r"[^\w()\-]+", "_", subject).strip("_")
    return f"{stem}.md", text


def _write_range(directory: str, start: int, stop: int, n: int, seed: int, broken_rate: float) -> int:
    size = 0
    for i in range(start, stop):
        name, text = article(i, n, seed, broken_rate)
        data = text.encode("utf-8")
        (Path(directory) / name).write_bytes(data)
        size += len(data)
    return size


def generate(directory: str | Path, n: int, *, seed: int = 1, broken_rate: float = 0.002, jobs: int | None = None) -> int:
    """Write ``n`` synthetic articles into ``directory`` (created); returns the bytes written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    jobs = jobs or os.cpu_count() or 1
    step = 2000
    ranges = [(s, min(n, s + step)) for s in range(0, n, step)]
    if jobs == 1 or n <= step:
        return sum(_write_range(str(directory), a, b, n, seed, broken_rate) for a, b in ranges)
    with ProcessPoolExecutor(jobs) as pool:
        return sum(pool.map(_write_range, *zip(*[(str(directory), a, b, n, seed, broken_rate) for a, b in ranges])))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--broken-rate", type=float, default=0.002)
    args = parser.parse_args(argv)
    size = generate(args.directory, args.n, seed=args.seed, broken_rate=args.broken_rate)
    print(f"{args.n} articles, {size / 1e6:.1f} MB → {args.directory}")


if __name__ == "__main__":
    main()
