"""cli: the ``kg`` command, a thin layer over the library.

Each command parses its options, calls one library function, prints, and turns
a :class:`~kg.errors.KgError` into a one-line message and a non-zero exit.
Every option can also come from a ``KG_<NAME>`` environment variable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.config import Settings, from_env
from kg.errors import KgError

EPILOG_BUILD = """\b
Examples:
  kg build seeds/                      # into the default store (data/store)
  kg build articles/ --out graph.nq    # to a file only (format from the extension)
  kg build a.md b.md --store /srv/kg --base https://example.org/id/
"""


class _KgGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            raise click.ClickException(exc.message) from None


@click.group(cls=_KgGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="chronicon", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Chronicon: articles about events → a knowledge graph you can query.

    \b
    Two commands get you from articles to answers:
      kg build seeds/      build the articles into the store
      kg serve             serve SPARQL, pages and exports on http://127.0.0.1:5000
    """
    ctx.obj = from_env()


def _settings(ctx: click.Context, **options: Any) -> Settings:
    settings: Settings = ctx.obj
    return settings.with_options(**options)


store_option = click.option("--store", "store", metavar="DIR", help="Store directory [default: data/store, or KG_STORE].")


@cli.command(epilog=EPILOG_BUILD)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the graph to FILE (.ttl .nt .nq .trig .jsonld). Without --store, only the file is written.")
@click.option("--base", metavar="IRI", help="Base IRI of instance IRIs [default: https://w3id.org/chronicon/id/].")
@click.option("--jobs", type=click.IntRange(1, 256), help="Extraction worker processes [default: the cores].")
@click.option("--fresh", is_flag=True, help="Rebuild every article, not only those that changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check of the built graph (for huge builds; run `kg validate` later).")
@click.option("--link", is_flag=True, default=None, help="Also link to Wikidata (source: KG_WIKIDATA_ENDPOINT or KG_WIKIDATA_DUMP) [or KG_LINK=1].")
@click.pass_context
def build(ctx: click.Context, paths: tuple[Path, ...], store: str | None, out: Path | None, base: str | None,
          jobs: int | None, fresh: bool, as_json: bool, no_validate: bool, link: bool | None) -> None:
    """Build articles (files or folders of *.md) into the store and/or a file.

    A bad article is skipped and reported; the others are built, and the exit
    status is 1 when anything was skipped. Unchanged articles are not rebuilt.
    """
    from kg.build import build as run_build
    from kg.build import report_json

    settings = _settings(ctx, store=store, base=base, link=link)
    target = settings.store if (store or out is None) else None
    try:
        report = run_build(list(paths), store=target, out=out, base=settings.base, jobs=jobs, fresh=fresh,
                           validate=not no_validate, link=settings if settings.link else None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(report_json(report))
    else:
        where = " and ".join(x for x in (f"store {target}" if target else "", f"file {out}" if out else "") if x)
        click.echo(f"built {len(report.built)} article(s), {len(report.unchanged)} unchanged, "
                   f"{len(report.removed)} removed, {report.quads} quads → {where}", err=True)
        for path, reason in report.skipped:
            click.echo(f"skipped {path}: {reason}", err=True)
    if report.skipped:
        ctx.exit(1)


@cli.command()
@click.argument("query")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt"]), default="table", show_default=True)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a canned query's parameter (repeatable).")
@click.pass_context
def query(ctx: click.Context, query: str, store: str | None, fmt: str, params: tuple[str, ...]) -> None:
    """Run a SPARQL query on the store: QUERY is the text, a .rq file, or a canned query's name.

    \b
    Examples:
      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query queries/timeline.rq --format csv
      kg query timeline --param event=https://w3id.org/chronicon/id/event/2014_idlib_offensive
    """
    from kg.run import run_text

    settings = _settings(ctx, store=store)
    bindings = dict(p.split("=", 1) for p in params if "=" in p)
    if len(bindings) != len(params):
        raise click.ClickException("--param takes NAME=VALUE")
    text, name = _query_text(query)
    output = run_text(settings, text, fmt, name=name, params=bindings)
    sys.stdout.buffer.write(output)


def _query_text(arg: str) -> tuple[str, str | None]:
    path = Path(arg)
    if arg.endswith(".rq") and path.is_file():
        return path.read_text(encoding="utf-8"), None
    if "{" not in arg and " " not in arg.strip():
        return "", arg  # a canned query's name
    return arg, None


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld"]), required=True)
@store_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE [default: standard output].")
@click.pass_context
def export(ctx: click.Context, fmt: str, store: str | None, output: Path | None) -> None:
    """Export the store: Turtle/N-Triples (the union of all graphs) or N-Quads/TriG/JSON-LD (graphs kept).

    \b
    Examples:
      kg export --format ttl -o graph.ttl
      kg export --format nq | gzip > graph.nq.gz
    """
    from kg.export import export_store

    settings = _settings(ctx, store=store)
    if output is None:
        export_store(settings.store, fmt, sys.stdout.buffer)
    else:
        tmp = output.with_name(output.name + ".tmp")
        with open(tmp, "wb") as fh:
            export_store(settings.store, fmt, fh)
        tmp.replace(output)


@cli.command()
@store_option
@click.pass_context
def validate(ctx: click.Context, store: str | None) -> None:
    """Check the store's graph against the SHACL shapes (ontology/shapes.ttl); exit 1 on any violation.

    \b
    Examples:
      kg validate
      kg validate --store /srv/kg
    """
    from kg.validate import validate_store

    report = validate_store(_settings(ctx, store=store).store)
    click.echo(report.text())
    if not report.conforms:
        ctx.exit(1)


@cli.command()
@store_option
@click.option("--host", help="Interface to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, help="Port [default: 5000].")
@click.option("--timeout", type=float, help="Seconds a query may run [default: 30].")
@click.option("--max-rows", type=int, help="Result rows before an answer is cut [default: 10000].")
@click.option("--workers", type=int, help="Query worker processes [default: 2].")
@click.option("--processes", type=click.IntRange(1, 64),
              help="Server processes sharing the port, each with its own --workers [default: 1; for throughput: the cores].")
@click.option("--queue", type=click.IntRange(0, 10_000), help="Queries that may wait for a busy worker before 429 [default: 32].")
@click.option("--allow-update", is_flag=True, default=None, help="Accept SPARQL Update with the bearer token of --token.")
@click.option("--token", "update_token", help="Bearer token that --allow-update requires.")
@click.option("--allow-service", multiple=True, metavar="URL", help="Allow SERVICE calls to this endpoint (repeatable).")
@click.pass_context
def serve(ctx: click.Context, store: str | None, host: str | None, port: int | None, timeout: float | None,
          max_rows: int | None, workers: int | None, processes: int | None, queue: int | None, allow_update: bool | None, update_token: str | None,
          allow_service: tuple[str, ...]) -> None:
    """Serve SPARQL, Linked Data pages and exports over HTTP.

    \b
    Examples:
      kg serve                                  # http://127.0.0.1:5000
      kg serve --port 8080 --timeout 10 --allow-service https://query.wikidata.org/sparql
    """
    from kg.serve import run_server

    settings = _settings(ctx, store=store, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                         processes=processes, queue=queue, allow_update=allow_update, update_token=update_token, allow_service=allow_service or None)
    run_server(settings)


@cli.command()
@store_option
@click.option("--endpoint", metavar="URL", help="SPARQL endpoint in Wikidata's model [default: https://query.wikidata.org/sparql, or KG_WIKIDATA_ENDPOINT].")
@click.option("--dump", type=click.Path(dir_okay=False, exists=True), help="A local extract (N-Triples/Turtle) instead [or KG_WIKIDATA_DUMP].")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Score below which nothing is linked [default: 0.6].")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Write every decision to FILE.csv.")
@click.option("--cache", metavar="DIR", help="Cache of endpoint answers [default: ~/.cache/chronicon/wikidata].")
@click.pass_context
def link(ctx: click.Context, store: str | None, endpoint: str | None, dump: str | None, threshold: float | None,
         report_path: Path | None, cache: str | None) -> None:
    """Link the store's events, agents and places to Wikidata (owl:sameAs, in graph {base}graph/wikidata).

    \b
    Examples:
      kg link --dump ../shared/wikidata/extract.nt --report links.csv
      kg link --endpoint http://127.0.0.1:7878/query --threshold 0.7
    """
    from kg.link import link_store, source_for, write_report

    settings = _settings(ctx, store=store, link_threshold=threshold, wikidata_cache=cache)
    if endpoint or dump:  # an option overrides both variables
        settings = settings.with_options(wikidata_endpoint=endpoint or "", wikidata_dump=dump or "")
    result = link_store(settings.store, source_for(settings), settings)
    if report_path is not None:
        write_report(result.rows, report_path)
    click.echo(f"linked {result.linked} of {len(result.rows)} node(s) via {result.source} → graph "
               f"{settings.base}graph/wikidata in store {settings.store}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


def main() -> None:
    cli(prog_name="kg")
