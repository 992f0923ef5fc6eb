"""After `pip install` into a fresh virtual environment, the packaged ontology, shapes, queries and records are
found from any working directory."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(ROOT)], check=True, capture_output=True)
    return env_dir / "bin" / "kg"


def test_installed_command_answers_from_a_temporary_directory(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "KG_SOURCES_DIR": str(SEEDS), "KG_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([str(installed), "query", "peer-led-interventions", "--format", "csv"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert result.stdout == (
        "intervention,led_by\nLearn how to tackle anxiety and depression,peer-worker\nTurning Points,peer-worker\n"
    )
    build = subprocess.run([str(installed), "build", "--out", "release"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "Validation: conforms to the shapes" in build.stdout
    assert "site-packages/kg/data/records" in build.stdout
    assert (tmp_path / "release" / "pikg.ttl").is_file()


def test_installed_package_is_not_the_checkout(installed: Path) -> None:
    python = installed.parent / "python"
    out = subprocess.run([str(python), "-c", "import kg.base.config as c; print(c.resource_dir('shapes'))"],
                         capture_output=True, text=True, check=True, cwd="/")
    assert "site-packages/kg/data/shapes" in out.stdout
    assert sys.prefix not in out.stdout


def test_the_installed_package_says_it_is_typed(installed: Path) -> None:
    """PEP 561: the wheel ships kg/py.typed, so a type checker reads the package's own hints."""
    python = installed.parent / "python"
    out = subprocess.run([str(python), "-c", "import kg, pathlib; print(pathlib.Path(kg.__file__).with_name('py.typed')"
                          ".is_file())"], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout == "True\n"
