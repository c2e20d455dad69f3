"""The ``stats --html`` page rendered by a real browser (headless Chromium, skipped without it).

A copy of the page gets a small script that measures every plot once the page has loaded
(the page itself has no script); ``--dump-dom`` prints the DOM with the measurements, and
Chromium's log on stderr shows any console message or uncaught error.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli

BROWSER = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)),
    None,
)

MEASURE = """
<script>
window.addEventListener("load", () => {
  const plots = [...document.querySelectorAll("figure svg")].map((svg) => {
    const box = svg.getBBox();
    const drawn = svg.querySelectorAll("path, rect, use, line, polyline, polygon").length;
    const rect = svg.getBoundingClientRect();
    return {width: box.width, height: box.height, drawn: drawn, shown: rect.width * rect.height,
            texts: svg.querySelectorAll("text").length};
  });
  document.body.setAttribute("data-plots", JSON.stringify(plots));
});
</script>
"""


@pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed")
def test_plots_draw_in_chromium(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    data = tmp_path / "data.jsonl"
    result = run_cli("generate", "--teacher", "mock", "--num", "120", "-o", data, "-q", "--no-cache")
    assert result.exit_code == 0, result.output
    page = tmp_path / "report.html"
    result = run_cli("stats", data, "--html", page)
    assert result.exit_code == 0, result.output
    measured = tmp_path / "measured.html"
    measured.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )

    run = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", measured.as_uri()],
        capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    found = re.search(r'data-plots="([^"]*)"', run.stdout)
    assert found, f"no measurements in the DOM; stderr:\n{run.stderr[-2000:]}"
    plots = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(plots) == 4  # lengths, similarity, verbs, rejections (the run report has some)
    for plot in plots:
        assert plot["width"] > 100 and plot["height"] > 50, plot
        assert plot["drawn"] > 10 and plot["texts"] > 3 and plot["shown"] > 0, plot
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
