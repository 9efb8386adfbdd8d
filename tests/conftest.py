"""Shared fixtures: the real site built once per session, and helpers to build fixture sites."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/checkers.py

from generator.build import Options, Project, build, load_project  # noqa: E402

BUILD_DAY = date(2024, 6, 15)
"""The build date of every test build: mid-2024, so past and upcoming both occur."""


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real content/ built once into a temporary folder."""
    out = tmp_path_factory.mktemp("real") / "public"
    build(Project(ROOT), Options(out=out, today=BUILD_DAY))
    return out


@pytest.fixture(scope="session")
def real_model():
    """The real content loaded and validated (config, site, catalogs)."""
    return load_project(Project(ROOT), Options(out=ROOT / "public", today=BUILD_DAY))


SITES = ROOT / "tests" / "sites"


def copy_project(dest: Path, content: Path | None = None, config: Path | None = None) -> Project:
    """A copy of this project's layouts, assets and catalogs with the given content and site.toml."""
    for name in ("layouts", "assets", "locales"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    shutil.copy(config or ROOT / "site.toml", dest / "site.toml")
    shutil.copytree(content or ROOT / "content", dest / "content")
    return Project(dest)


def fixture_project(dest: Path, name: str) -> Project:
    """The fixture site tests/sites/NAME (content and site.toml) with the real layouts."""
    return copy_project(dest, SITES / name / "content", SITES / name / "site.toml")


@pytest.fixture
def basic(tmp_path) -> Project:
    """A fresh copy of the small fixture site, for a test to edit and build."""
    return fixture_project(tmp_path / "basic", "basic")


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A throwaway copy of the whole project that a test may edit and build."""
    return copy_project(tmp_path / "project")


def committed(root: Path) -> None:
    """The folder as a git repository with everything committed, as editors' content is."""
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"]):
        subprocess.run(["git", *command], cwd=root, check=True)
