"""read: one article file → an :class:`~kg.model.Article`.

Knows YAML and Markdown, not RDF. Front matter is parsed with PyYAML's
*base* loader, so every scalar stays the string that was written: YAML 1.1
would turn ``NO`` into false, ``01234`` into 668 and ``12:30:00`` into 45000.
No tag constructs an object, aliases are refused (a 490-byte alias bomb
expands to billions of nodes when walked), duplicate keys are an error rather
than last-wins, and sizes are capped. Every failure is one :class:`ArticleError`
naming the file and, where known, the line.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from kg.errors import ArticleError
from kg.model import Article, Image, Paragraph, Section

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_LIST_ITEMS = 10_000
MAX_NESTING = 32  # front matter is flat; deep nesting only attacks the recursive composer

_FENCE = re.compile(r"^---[ \t]*$")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_IMAGE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\((?P<url>[^)\s]*(?:\([^)]*\)[^)\s]*)*)\)\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# Sections whose content is not narrative: reference lists and their junk.
_NON_NARRATIVE = re.compile(r"^(references|notes|sources|citations|further reading|external links|see also|bibliography)\b", re.I)

_LIST_FIELDS = {"tags": "tags", "date": "dates", "place": "places"}
_TEXT_FIELDS = {
    "subject": "subject",
    "shortDescription": "short_description",
    "description": "description",
    "author": "author",
    "pubDate": "pub_date",
    "img": "img",
}


class _Loader(yaml.BaseLoader):
    """Base loader (all scalars are strings) that refuses aliases, tags, deep nesting
    and duplicate keys."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.depth >= MAX_NESTING:
            raise yaml.MarkedYAMLError(None, None, f"front matter is nested more than {MAX_NESTING} levels deep",
                                       self.peek_event().start_mark)
        self.depth += 1
        try:
            return self._compose_checked(parent, index)
        finally:
            self.depth -= 1

    def _compose_checked(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "YAML aliases are not allowed in front matter", event.start_mark)
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):  # "!!python/object" and friends: refused, not ignored
            raise yaml.MarkedYAMLError(None, None, f"YAML tag {tag!r} is not allowed in front matter", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, Any] = {}
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                raise yaml.MarkedYAMLError(None, None, "a mapping key must be a plain string", key_node.start_mark)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    None, None, f"duplicate key {key!r} (first at line {seen[key].line + 1})", key_node.start_mark
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=True)


_DEFAULT_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})
_FLOW = re.compile(r"[\[\]{}]")


class _Refer(Exception):
    """The fast path saw something only the checked loader may judge (and word)."""


class _FastLoader(yaml.CBaseLoader):  # type: ignore[misc]
    """libyaml's parser and composer (C), with the checks of :class:`_Loader` made on the
    composed nodes. Anything they would refuse is not worded here: it is referred to the
    checked loader, so every error message comes from one place."""

    def construct_document(self, node: Any) -> Any:
        seen: set[int] = set()
        stack = [(node, 1)]
        while stack:
            current, depth = stack.pop()
            # the C composer hands an alias back as the very node it names
            if id(current) in seen or depth > MAX_NESTING or current.tag not in _DEFAULT_TAGS:
                raise _Refer
            seen.add(id(current))
            if isinstance(current, yaml.MappingNode):
                keys = [k.value for k, _ in current.value]
                if not all(isinstance(k, str) for k in keys) or len(set(keys)) != len(keys):
                    raise _Refer
                stack.extend((n, depth + 1) for pair in current.value for n in pair)
            elif isinstance(current, yaml.SequenceNode):
                stack.extend((n, depth + 1) for n in current.value)
        return super().construct_document(node)


def _flow_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest, counting brackets inside strings too (an overestimate:
    enough to keep libyaml's recursive composer away from deep nesting)."""
    depth = deepest = 0
    for m in _FLOW.finditer(text):
        depth = depth + 1 if m.group() in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _load_yaml(front: str) -> list[Any]:
    """The front matter's YAML documents: libyaml for speed when the text is plainly safe,
    else (and for every error) the checked pure-Python loader."""
    if _flow_depth(front) < MAX_NESTING:
        try:
            return list(yaml.load_all(front, Loader=_FastLoader))  # noqa: S506 - base constructor: strings only
        except (_Refer, yaml.YAMLError):
            pass
    return list(yaml.load_all(front, Loader=_Loader))  # noqa: S506 - _Loader builds strings only


def load_article(path: str | Path, *, data: bytes | None = None) -> Article:
    """Read one article file.

    :param path: the file; its name becomes the article's ``file``.
    :param data: the file's bytes, if already read.
    :returns: the :class:`Article`.
    :raises ArticleError: for anything that makes the file unusable.
    """
    path = Path(path)
    where = str(path)
    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ArticleError(where, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
            data = path.read_bytes()
        except OSError as exc:
            raise ArticleError(where, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(where, f"file is {len(data)} bytes, over the {MAX_FILE_BYTES}-byte limit")
    text = _decode(where, data)
    lines = text.split("\n")
    front, body_start = _split_front_matter(where, lines)
    fields = _parse_front_matter(where, front)
    body = lines[body_start:]
    lead, sections = _parse_body(body, first_line=body_start + 1)
    return Article(
        path=where,
        file=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        lead=lead,
        sections=sections,
        **fields,
    )


def _decode(where: str, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):  # a BOM would hide the opening fence
        data = data[3:]
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ArticleError(where, "file contains NUL bytes: binary data, not a Markdown article", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ArticleError(where, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(where: str, lines: list[str]) -> tuple[str, int]:
    """Return the front matter's text and the index of the first body line."""
    if not lines or not _FENCE.match(lines[0]):
        first = lines[0].strip() if lines else ""
        hint = " (TOML front matter is not supported)" if first == "+++" else ""
        raise ArticleError(where, f"no YAML front matter: the file must start with a '---' line{hint}", 1)
    size = 0
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i]) or lines[i].rstrip() == "...":
            return "\n".join(lines[1:i]), i + 1
        size += len(lines[i]) + 1
        if size > MAX_FRONT_MATTER_BYTES:
            raise ArticleError(where, f"front matter is over the {MAX_FRONT_MATTER_BYTES}-byte limit", i + 1)
    raise ArticleError(where, "front matter is not closed: no second '---' line", 1)


def _parse_front_matter(where: str, front: str) -> dict[str, Any]:
    try:
        docs = _load_yaml(front)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening fence
        col = f", column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ArticleError(where, f"invalid YAML in front matter{col}: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise ArticleError(where, f"invalid YAML in front matter: {exc}", 2) from None
    except RecursionError:
        raise ArticleError(where, "front matter is nested too deeply", 2) from None
    if not docs:
        raise ArticleError(where, "front matter is empty: expected a mapping of fields", 2)
    if len(docs) != 1:
        raise ArticleError(where, f"front matter holds {len(docs)} YAML documents, expected one mapping", 2)
    meta = docs[0]
    if not isinstance(meta, dict):
        kind = "empty" if meta in (None, "") else type(meta).__name__
        raise ArticleError(where, f"front matter must be a mapping of fields, got {kind}", 2)
    fields: dict[str, Any] = {}
    for key, attr in _TEXT_FIELDS.items():
        value = meta.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise ArticleError(where, f"field {key!r} must be text, got {_kind(value)}", _line_of(front, key))
        fields[attr] = _clean_text(value)
    for key, attr in _LIST_FIELDS.items():
        value = meta.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ArticleError(where, f"field {key!r} must be a list of text items, got {_kind(value)}", _line_of(front, key))
        if len(value) > MAX_LIST_ITEMS:
            raise ArticleError(where, f"field {key!r} has {len(value)} items, over the limit of {MAX_LIST_ITEMS}", _line_of(front, key))
        fields[attr] = tuple(value)
    if not fields.get("subject"):
        raise ArticleError(where, "front matter has no 'subject' (the event's name)", 2)
    return fields


def _kind(value: Any) -> str:
    if isinstance(value, list):
        inner = sorted({_kind(v) for v in value if not isinstance(v, str)})
        return "a list with " + ", ".join(inner) if inner else "a list"
    return {dict: "a mapping", str: "text"}.get(type(value), type(value).__name__)


def _line_of(front: str, key: str) -> int | None:
    for i, line in enumerate(front.split("\n")):
        if line.startswith(f"{key}:"):
            return i + 2
    return None


def _clean_text(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def clean_inline(text: str) -> str:
    """Drop inline Markdown (bold, links) but keep the words as written."""
    text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub(r"\2", text)


def _parse_body(lines: list[str], first_line: int) -> tuple[tuple[Paragraph, ...], tuple[Section, ...]]:
    lead: list[Paragraph] = []
    sections: list[Section] = []
    title: str | None = None
    title_line = 0
    paragraphs: list[Paragraph] = []
    images: list[Image] = []
    buffer: list[str] = []
    buffer_line = 0
    narrative = True

    def flush_paragraph() -> None:
        nonlocal buffer
        if buffer:
            text = clean_inline(" ".join(s.strip() for s in buffer)).strip()
            if text:
                paragraphs.append(Paragraph(text, buffer_line))
            buffer = []

    def flush_section() -> None:
        nonlocal paragraphs, images
        flush_paragraph()
        if title is None:
            lead.extend(paragraphs)
        elif narrative and (paragraphs or images):
            sections.append(Section(title, title_line, tuple(paragraphs), tuple(images)))
        paragraphs, images = [], []

    for offset, raw in enumerate(lines):
        lineno = first_line + offset
        line = raw.rstrip()
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading and heading.group(2):
            flush_section()
            title = clean_inline(heading.group(2)).strip()
            title_line = lineno
            narrative = narrative and not _NON_NARRATIVE.match(title)
            continue
        image = _IMAGE.match(line.strip())
        if image:
            flush_paragraph()
            images.append(Image(image.group("caption"), image.group("url"), lineno))
            continue
        if not line.strip():
            flush_paragraph()
            continue
        if not buffer:
            buffer_line = lineno
        buffer.append(line)
    flush_section()
    return tuple(lead), tuple(sections)
