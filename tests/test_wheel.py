"""An installed wheel carries the ontology and the canned queries and builds the seeds."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_builds_the_seeds(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("chronicon-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True, capture_output=True)
    # The dependencies come from the test environment (a path entry, so its
    # editable install of kg is not activated): only the wheel provides kg.
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "deps-from-test-env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    where = subprocess.run([str(python), "-c", "import kg, kg.vocab as v; print(kg.__file__); print(v.ontology_path()); print(v.queries_dir())"],
                           check=True, capture_output=True, text=True, cwd=tmp_path).stdout.split()
    assert all(str(venv) in p for p in where), where
    store = tmp_path / "store"
    proc = subprocess.run([str(venv / "bin" / "kg"), "build", str(SEEDS), "--store", str(store), "--json"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["built"] == len(list(SEEDS.glob("*.md")))
    out = subprocess.run([str(venv / "bin" / "kg"), "query", "events", "--store", str(store), "--format", "csv"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Battle of Waterloo" in out.stdout
