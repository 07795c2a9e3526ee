"""The pre-parse guard: a small SPARQL lexer that refuses dangerous text before any engine sees it.

Why a lexer of our own (docs/THREATS.md, A–C):

* pyoxigraph's parser overflows its stack (SIGSEGV, uncatchable) at ~2,200 nested
  braces, ~4,600 nested parentheses, ~6,500 chained UNIONs, and — measured here —
  at 10,000 chained ``||`` or 30,000 ``!``/``+``: its expression parser recurses per
  operator. Depth, UNION and operator caps keep every query far below those.
* ``SERVICE`` makes the engine issue HTTP requests (SSRF) and no engine has a switch
  to turn it off; update keywords (``LOAD`` fetches too) must never reach a read-only
  endpoint. Strings, IRIs and comments are skipped, so ``"SERVICE"`` in a literal or
  ``<http://x/#LOAD>`` is not a false alarm, and ``ex:service`` (a prefixed name) or
  ``?load`` (a variable) are not keywords either.
* SPARQL processes ``\\uXXXX`` escapes over the whole query text before parsing
  (SPARQL 1.1 §19.2, and spargebra does so), so ``SERVI\\u0043E`` *is* SERVICE: the
  guard lexes the unescaped text, exactly what the engine will parse.

The guard is one of two layers: the query worker also runs without network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.errors import QueryError
from kg.serve.errors import Refused

MAX_QUERY_BYTES = 64 * 1024
MAX_DEPTH = 100  # nesting of () {} [] << >> together
MAX_UNIONS = 256
MAX_OPERATORS = 2000  # expression/path operators: each one is a recursion level in the parser

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
# Words that only SPARQL Update uses; LOAD also fetches a URL, so it is refused even for updates.
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN = "A-Za-z\u00c0-\ufffd"  # PN_CHARS_BASE, approximately (astral planes come through as 'other')
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_PN}0-9_\u00b7]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[{_PN}][{_PN}0-9_.\-\u00b7]*)?:(?:[{_PN}0-9_.\-:\u00b7]|%[0-9A-Fa-f]{{2}}|\\.)*)
  | (?P<blank>_:[{_PN}0-9_.\-\u00b7]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<datatype>\^\^)
  | (?P<open><<|[({{\[])
  | (?P<close>>>|[)}}\]])
  | (?P<op>\|\||&&|!=|<=|>=|[!=<>+\-*/|^])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Checked:
    """What the guard learned about an accepted request."""

    form: str | None  # SELECT | ASK | CONSTRUCT | DESCRIBE, or None for an update
    services: tuple[str, ...]  # the (allowed) SERVICE IRIs it calls


def unescape(text: str) -> str:
    """Apply SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` codepoint escapes, as the parser will."""

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError("malformed query: invalid \\u escape")
        return chr(code)

    return _ESCAPE.sub(one, text)


def check_query(text: str, *, allow_service: tuple[str, ...] = ()) -> Checked:
    """Accept a read-only query or raise.

    :raises QueryError: (400) too long, too deeply nested, too many UNIONs or
        operators, or an unterminated string.
    :raises Refused: (403) an update keyword, or SERVICE to an endpoint not allowed.
    """
    if len(text) <= _REMEMBERED_TEXT:
        return _check_remembered(text, allow_service)
    return _check(text, update=False, allow_service=allow_service)


# An endpoint sees the same queries again and again (a dashboard, a script in a loop), and
# lexing one in Python costs ~0.15 ms of the ~1 ms a quick query takes. The verdict depends
# on the text and the allowlist only; refusals are not remembered (they raise). Bounded:
# at most 512 texts of at most 4 KiB.
_REMEMBERED_TEXT = 4096


@lru_cache(maxsize=512)
def _check_remembered(text: str, allow_service: tuple[str, ...]) -> Checked:
    return _check(text, update=False, allow_service=allow_service)


def check_update(text: str, *, allow_service: tuple[str, ...] = ()) -> Checked:
    """Accept an update (for the token-gated writer path) or raise; LOAD is never accepted."""
    return _check(text, update=True, allow_service=allow_service)


def _check(text: str, *, update: bool, allow_service: tuple[str, ...]) -> Checked:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
        raise QueryError(f"the query is longer than {MAX_QUERY_BYTES // 1024} KiB")
    source = unescape(text)
    depth = unions = operators = 0
    form: str | None = None
    services: list[str] = []
    expect_service_target = False  # just saw SERVICE (and maybe SILENT)
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup
        value = m.group()
        if kind in ("ws", "comment", "datatype"):
            continue
        if expect_service_target:
            if kind == "word" and value.upper() == "SILENT":
                continue
            expect_service_target = False
            target = value[1:-1] if kind == "iri" else None
            if target is None or target not in allow_service:
                what = f"<{target}>" if target is not None else value
                raise Refused(f"SERVICE {what} is not allowed on this endpoint (no federated queries)")
            services.append(target)
            continue
        if kind == "word":
            word = value.upper()
            if word == "SERVICE":
                expect_service_target = True
            elif word == "UNION":
                unions += 1
                if unions > MAX_UNIONS:
                    raise QueryError(f"the query chains more than {MAX_UNIONS} UNIONs")
            elif word in UPDATE_WORDS and (not update or word == "LOAD"):
                if word == "LOAD":
                    raise Refused("LOAD is not allowed on this endpoint (it would fetch a URL)")
                raise Refused(f"{word}: this endpoint is read-only (SPARQL Update is refused)")
            elif form is None and word in QUERY_FORMS:
                form = word
        elif kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"the query is nested more than {MAX_DEPTH} levels deep")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "op":
            operators += 1
            if operators > MAX_OPERATORS:
                raise QueryError(f"the query has more than {MAX_OPERATORS} operators")
        elif kind == "other" and value in "'\"":
            raise QueryError("malformed query: unterminated string")
    if expect_service_target:
        raise Refused("SERVICE is not allowed on this endpoint (no federated queries)")
    return Checked(None if update else form, tuple(services))
