"""The SPARQL 1.1 Protocol endpoint: ``/sparql``.

Query by GET, by POST form, or by POST ``application/sparql-query``; the dataset
from ``default-graph-uri`` / ``named-graph-uri`` (graph names only: nothing is
ever fetched, and a graph the store lacks is simply empty); the answer format by
``Accept`` (or ``?format=``). Without a query, the service description.

Status map (STYLE.md habit 5, THREATS A): 400 malformed or two queries, 403
update/LOAD/SERVICE, 405 other methods, 406 unacceptable Accept, 413 oversized
body, 414 oversized URL, 415 wrong body type, 429 all workers busy, 500 worker
crash, 503 deadline.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.errors import KgError, QueryError
from kg.serve import guard
from kg.serve.conneg import GRAPH_FORMATS, negotiate, offers_for
from kg.serve.errors import Refused, UnsupportedMediaType, UriTooLong, log
from kg.serve.workers import Answer, Job

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
MAX_URL_BYTES = 3 * guard.MAX_QUERY_BYTES + 4096  # a full-size query, percent-encoded


def parse_params(raw: str) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` strictly: invalid UTF-8 is a 400,
    not the silent U+FFFD that werkzeug's ``request.args`` would give."""
    try:
        return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise QueryError("the request parameters are not valid UTF-8") from None


def _charset_ok(mimetype_params: dict[str, str]) -> None:
    charset = mimetype_params.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"charset={charset} is not supported; send UTF-8")


def _body_text() -> str:
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise QueryError("the request body is not valid UTF-8") from None


def read_request() -> tuple[dict[str, list[str]], str]:
    """Every protocol parameter of the request, and how the operation came ("get", "form", "direct").

    :raises QueryError: bad encoding, or a parameter both in the URL and in the body.
    :raises UnsupportedMediaType: a POST body that is neither a form nor a SPARQL operation.
    """
    query_string = request.environ.get("QUERY_STRING", "")
    if len(query_string) > MAX_URL_BYTES:
        raise UriTooLong(f"the URL is longer than {MAX_URL_BYTES} bytes; POST the query")
    url_params = parse_params(query_string)
    params: dict[str, list[str]] = {}
    for key, value in url_params:
        params.setdefault(key, []).append(value)
    if request.method != "POST":
        return params, "get"
    mimetype = request.mimetype
    if mimetype == FORM:
        _charset_ok(request.mimetype_params)
        body = parse_params(_body_text())  # percent-encoded, or raw UTF-8 from lax clients; nothing else
        for key, value in body:
            if key in ("query", "update") and key in params:
                raise QueryError(f"{key!r} is given both in the URL and in the body")
            params.setdefault(key, []).append(value)
        return params, "form"
    if mimetype in (QUERY, UPDATE):
        _charset_ok(request.mimetype_params)
        key = "query" if mimetype == QUERY else "update"
        if "query" in params or "update" in params:
            raise QueryError("a direct POST carries the operation in its body, not also in the URL")
        params[key] = [_body_text()]
        return params, "direct"
    if not mimetype:
        raise UnsupportedMediaType(f"a POST needs a Content-Type: {FORM}, {QUERY} or {UPDATE}")
    raise UnsupportedMediaType(f"Content-Type {mimetype} is not accepted here; use {FORM}, {QUERY} or {UPDATE}")


def _single(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key, [])
    if len(values) > 1:
        raise QueryError(f"give one {key!r} parameter, not {len(values)}")
    return values[0] if values else None


def _graphs(params: dict[str, list[str]], key: str) -> tuple[str, ...] | None:
    values = params.get(key)
    if not values:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise QueryError(f"{key}={value!r} is not an absolute IRI") from None
    return tuple(values)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """The SPARQL 1.1 Protocol: one query or update, or the service description."""
    params, how = read_request()
    query = _single(params, "query")
    update = _single(params, "update")
    if query is not None and update is not None:
        raise QueryError("give either 'query' or 'update', not both")
    if update is not None:
        return run_update(update, params, how)
    if query is None:
        if how != "get":
            raise QueryError("no 'query' parameter in the request")
        return service_description()
    return run_query(query, params)


def run_query(text: str, params: dict[str, list[str]]) -> Response:
    """Guard, negotiate, run in a worker, answer."""
    services = current_app.extensions["kg"]
    checked = guard.check_query(text, allow_service=services.settings.allow_service)
    fmt = negotiate(request.headers.get("Accept"), offers_for(checked.form), format_param=params.get("format"))
    job = Job(text=text, fmt=fmt.name, default_graph=_graphs(params, "default-graph-uri"),
              named_graphs=_graphs(params, "named-graph-uri"))
    return answer_response(services.pool().run(job), fmt.content_type)


def answer_response(answer: Answer, content_type: str) -> Response:
    """A worker's answer as a response; errors become the JSON error shape."""
    if answer.status == 400:
        raise QueryError(answer.error or "malformed query")
    if answer.status != 200:
        log.warning("query failed in the worker: %s", answer.error)
        raise KgError("query evaluation failed")
    response = Response(answer.body, status=200, content_type=content_type)
    response.headers["Vary"] = "Accept"
    if answer.truncated:
        response.headers["X-Chronicon-Truncated"] = answer.truncated
    return response


def run_update(text: str, params: dict[str, list[str]], how: str) -> Response:
    """SPARQL Update: refused (403) unless ``--allow-update`` and the configured bearer token."""
    from kg.serve.update import apply_update

    settings = current_app.extensions["kg"].settings
    if not settings.allow_update or not settings.update_token:
        raise Refused("this endpoint is read-only: SPARQL Update is refused")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), settings.update_token.encode()):
        raise Refused("SPARQL Update needs the server's bearer token (Authorization: Bearer ...)")
    if how == "get":
        raise QueryError("SPARQL Update must be sent by POST")
    if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
        raise QueryError("using-graph-uri and using-named-graph-uri are not supported; use GRAPH in the update")
    guard.check_update(text, allow_service=settings.allow_service)
    version = apply_update(settings, text)
    response = current_app.json.response({"ok": True, "status": 200, "version": version})
    response.headers["Cache-Control"] = "no-store"
    return response


SD_PREFIXES = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
"""


def service_description() -> Response:
    """The SPARQL service description (sd:Service) in Turtle.

    The endpoint is ``<>``: relative to where the client fetched it, so the
    description never repeats a ``Host`` header (THREATS D29).
    """
    services = current_app.extensions["kg"]
    negotiate(request.headers.get("Accept"), GRAPH_FORMATS[:1])  # Turtle only: 406 otherwise
    store, _ = services.view.get()
    graphs = sorted(str(g) for g in store.named_graphs())
    languages = "sd:SPARQL11Query" + (", sd:SPARQL11Update" if services.settings.allow_update else "")
    named = "".join(f" ;\n    sd:namedGraph [ a sd:NamedGraph ; sd:name {g} ]" for g in graphs)
    body = (
        SD_PREFIXES
        + "\n<> a sd:Service ;\n"
        + "  sd:endpoint <> ;\n"
        + f"  sd:supportedLanguage {languages} ;\n"
        + "  sd:feature sd:UnionDefaultGraph ;\n"
        + "  sd:resultFormat formats:SPARQL_Results_JSON, formats:SPARQL_Results_XML, formats:SPARQL_Results_CSV,\n"
        + "    formats:SPARQL_Results_TSV, formats:Turtle, formats:N-Triples, formats:JSON-LD, formats:RDF_XML ;\n"
        + "  sd:defaultDataset [ a sd:Dataset ;\n"
        + "    sd:defaultGraph [ a sd:Graph ]"
        + named
        + "\n  ] .\n"
    )
    response = Response(body, content_type="text/turtle; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response
