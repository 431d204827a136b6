"""The wheel carries the templates and prompts, and an installed package finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_ships_templates_and_prompts_and_finds_them(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("briefing-*.whl"))
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(unpacked)
    for name in ("executive.html.j2", "analyst.html.j2", "base.html.j2", "style.css", "briefing.md.j2"):
        assert f"briefing/templates/{name}" in names
    assert "briefing/prompts/README.md" in names
    found = subprocess.run(
        [sys.executable, "-c", "from briefing import resources; print(resources.default_dir('templates'))"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(found.stdout.strip()) == (unpacked / "briefing" / "templates").resolve()
