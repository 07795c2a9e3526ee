"""The command line: help with examples, exit codes, reports, formats."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

from .conftest import KG, ROOT

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"kg {command} --help gives no example"
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_contract_commands_exist() -> None:
    assert {"build", "serve", "query", "export"} <= set(COMMANDS)


def test_build_reports_skipped_articles_and_exits_1(corpus_dir: Path, tmp_path: Path) -> None:
    proc = subprocess.run([KG, "build", str(corpus_dir), "--out", str(tmp_path / "g.nq")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "skipped" in proc.stderr and "Siege_of_Homs.md" in proc.stderr and "line 3" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "g.nq").stat().st_size > 0


def test_build_of_good_articles_exits_0_and_json_report(seeds_dir: Path, tmp_path: Path) -> None:
    proc = subprocess.run([KG, "build", str(seeds_dir), "--store", str(tmp_path / "s"), "--json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["built"] == 11 and report["skipped"] == []


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv", "xml"])
def test_query_prints_every_result_format(seed_store: Path, fmt: str) -> None:
    proc = subprocess.run([KG, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(seed_store), "--format", fmt],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert any(ch.isdigit() for ch in proc.stdout)


def test_query_construct_as_turtle(seed_store: Path) -> None:
    proc = subprocess.run([KG, "query", "CONSTRUCT { ?e a ?t } WHERE { ?e a ?t } LIMIT 3", "--store", str(seed_store),
                           "--format", "ttl"], capture_output=True, text=True)
    assert proc.returncode == 0 and "@prefix" in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["query", "SELEC * WHERE {"], "malformed query"),
    (["query", "no-such-query"], "no canned query"),
    (["export", "--format", "ttl", "--store", "/nonexistent/store"], "no store here yet"),
    (["build", "/nonexistent/dir", "--out", "/tmp/x.nq"], "no such file or folder"),
    (["build", "seeds", "--out", "/tmp/x.unknown"], "unknown RDF format"),
    (["build", "seeds", "--out", "/tmp/x.nq", "--base", "not an iri"], "base IRI"),
])
def test_errors_are_one_clear_line_and_a_non_zero_exit(seed_store: Path, args: list[str], message: str) -> None:
    if "--store" not in args and args[0] in ("query",):
        args = args + ["--store", str(seed_store)]
    proc = subprocess.run([KG, *args], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
