"""Render benchmarks (issue: briefing documents): a 20-page analyst brief, ours against WeasyPrint.

Run with `python -m bench render` (or `make bench`). The briefing is the bundled sample corpus,
analysed offline in a temporary store; the analyst audience's story limit is set so the brief
comes to about 20 pages. Figures are medians of several rounds taken in this one run, ours and
the baseline interleaved so that a busy machine slows both alike.

- ours: `briefing.render.render_pdf` on the finished HTML, i.e. the limited worker process
  (JSON request over a pipe, SafeFetcher, metadata, PDF bytes back), with the worker started.
- baseline: WeasyPrint itself in this process, `HTML(string=html, base_url=templates).write_pdf()`,
  on the same HTML with the same stylesheets and fonts.
- first PDF: the same call when no worker is running yet (interpreter and WeasyPrint start-up).
- peak memory: the worker's peak resident set (VmHWM), and WeasyPrint's alone in a fresh process.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from weasyprint import HTML

from bench.common import Row, print_table
from briefing import config as config_module
from briefing import pipeline, render
from briefing.models import Briefing
from briefing.render import sandbox

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample" / "config.toml"
ROUNDS = 5
STORIES = 13  # analyst stories shown: about 20 pages on the sample


def sample_briefing(tmp: Path) -> tuple[Briefing, config_module.Config]:
    config = config_module.load(SAMPLE)
    config = config.model_copy(update={"store": tmp / "bench.sqlite", "output": tmp / "out"})
    config.path = SAMPLE.resolve()
    result = pipeline.run(
        config,
        pipeline.Options(
            since="2026-01-26", until="2026-02-20", formats=("json",), now=datetime(2026, 2, 21, tzinfo=UTC)
        ),
    )
    return result.briefing, config


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _weasyprint_alone_peak_mib(html_path: Path, base: Path) -> float:
    """WeasyPrint's peak RSS rendering the HTML in a fresh interpreter (ru_maxrss, KiB on Linux)."""
    script = (
        "import resource, sys\n"
        "from weasyprint import HTML\n"
        "HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf()\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(html_path), str(base) + "/"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1]) / 1024


def main() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        briefing, config = sample_briefing(Path(tmp))
        analyst = config.audience("analyst")
        assert analyst is not None
        analyst = analyst.model_copy(update={"max_stories": STORIES})
        templates = render.template_dirs(config)

        start = time.perf_counter()
        html = render.render_html(briefing, analyst, config)
        jinja = time.perf_counter() - start
        html_path = Path(tmp) / "analyst.html"
        html_path.write_text(html, encoding="utf-8")

        def ours() -> bytes:
            return render.render_pdf(html, title="bench", templates=templates)

        def baseline() -> bytes:
            data: bytes = HTML(string=html, base_url=str(templates[0]) + "/").write_pdf()
            return data

        sandbox.shutdown()
        start = time.perf_counter()
        pdf = ours()
        cold = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        baseline()  # warm WeasyPrint's caches in this process too

        ours_times, base_times, ours_cpu, base_cpu = [], [], [], []
        for _ in range(ROUNDS):
            pid = sandbox.worker_pid()
            assert pid is not None
            cpu = _cpu_seconds(pid)
            start = time.perf_counter()
            ours()
            ours_times.append(time.perf_counter() - start)
            ours_cpu.append(_cpu_seconds(pid) - cpu)
            cpu, start = time.process_time(), time.perf_counter()
            baseline()
            base_times.append(time.perf_counter() - start)
            base_cpu.append(time.process_time() - cpu)
        pid = sandbox.worker_pid()
        peak = _peak_rss_mib(pid) if pid is not None else 0.0
        base_peak = _weasyprint_alone_peak_mib(html_path, templates[0])
        sandbox.shutdown()

    ours_s, base_s = statistics.median(ours_times), statistics.median(base_times)
    return [
        Row(
            f"analyst brief, {pages} pages: PDF (s)", ours_s, base_s, "WeasyPrint, same HTML", "< 2 s, < 1.3x"
        ),
        Row(
            f"analyst brief, {pages} pages: first PDF (s)",
            cold,
            base_s,
            "WeasyPrint, warm",
            "",
            note="starts the worker",
        ),
        Row(
            f"analyst brief, {pages} pages: CPU time (s)",
            statistics.median(ours_cpu),
            statistics.median(base_cpu),
            "WeasyPrint, same HTML",
            "< 2 s",
            note="worker process; less noisy on a busy machine",
        ),
        Row("analyst brief: HTML from templates (s)", jinja, ours_s, "its PDF", "negligible"),
        Row("analyst brief: peak memory (MiB)", peak, base_peak, "WeasyPrint alone", "< 300 MiB"),
    ]


if __name__ == "__main__":
    print_table(main())
