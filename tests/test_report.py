"""The HTML report: written by complete runs only, rebuilt by the README's command, readable in a browser."""

import json
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, merge, run_snakemake

pytestmark = pytest.mark.workflow

REPORT = "results/report.html"


def snapshot(project) -> dict:
    """Every file of the project but Snakemake's own records: path -> (size, modification time)."""
    return {
        path.relative_to(project): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in project.rglob("*")
        if path.is_file() and ".snakemake" not in path.parts
    }


def test_a_partial_target_leaves_the_complete_report_alone(project):
    before = (project / REPORT).stat().st_mtime_ns, (project / REPORT).read_bytes()
    config = yaml.safe_load((project / "config.yaml").read_text())
    (project / "config.yaml").write_text(yaml.safe_dump(merge(config, {"importance": {"epochs": 3}})))
    run_snakemake(project, "results/importance/l2norm/summary.csv")
    assert ((project / REPORT).stat().st_mtime_ns, (project / REPORT).read_bytes()) == before


def test_a_dry_run_writes_nothing(project):
    config = yaml.safe_load((project / "config.yaml").read_text())
    (project / "config.yaml").write_text(yaml.safe_dump(merge(config, {"training": {"epochs": 4}})))
    before = snapshot(project)
    output = run_snakemake(project, "--dry-run").stdout
    assert "rule report:" in output  # the run would rebuild the report, the dry run does not
    assert snapshot(project) == before


def readme_rebuild_command() -> list[str]:
    pages = [REPO / "README.md", *(REPO / "docs").glob("*.md")]
    (command,) = {c for page in pages for c in re.findall(r"`(snakemake --report [^`]+)`", page.read_text())}
    return shlex.split(command)


def test_the_readmes_rebuild_command_works_as_written(project):
    words = readme_rebuild_command()
    (project / REPORT).unlink()
    result = subprocess.run([sys.executable, "-m", *words], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    html = (project / REPORT).read_text()
    assert "training_curves.png" in html and "claims.csv" in html


def test_the_workflow_runs_in_a_working_directory_of_its_own(tiny_project, tmp_path):
    # Data, config and results in one folder, the workflow in another: the report's job finds the
    # workflow and its stylesheet from its params, not from the working directory.
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    shutil.copy2(tiny_project / "data/wine.csv", work / "data/wine.csv")
    shutil.copy2(tiny_project / "config.yaml", work / "config.yaml")
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "-s",
        str(tiny_project / "Snakefile"),
        "--directory",
        str(work),
    ]
    result = subprocess.run(
        [*command, "--cores", "2"], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (work / REPORT).read_text()
    assert "verdicts.html" in html and ".winenet-verdicts" in html
    assert not (tiny_project / "results").exists()


PROBE = """<script>
function winenetProbe(tries) {
  const box = e => {
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const description = document.querySelector('#app .prose');
  const graph = document.querySelector('#rulegraph');
  if ((!description || !graph || graph.getBoundingClientRect().height === 0) && tries > 0) {
    setTimeout(() => winenetProbe(tries - 1), 500);
    return;
  }
  const tables = description ? [...description.querySelectorAll('table')].map(box) : [];
  const layout = {description: box(description), graph: box(graph), tables: tables};
  document.title = 'LAYOUT ' + JSON.stringify(layout);
}
window.addEventListener('load', () => winenetProbe(40));
</script>"""


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Chromium is not installed (apt-get install chromium)"
)
def test_the_landing_page_has_nothing_on_top_of_anything_at_1400_pixels(complete_run, tmp_path):
    html = (complete_run / REPORT).read_text()
    head, tail = html.rsplit("</body>", 1)
    probe = tmp_path / "probe.html"
    probe.write_text(head + PROBE + "</body>" + tail)
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1400,1000",
        "--virtual-time-budget=30000",
        "--dump-dom",
        probe.as_uri(),
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    layout = json.loads(re.search(r"<title>LAYOUT (.*?)</title>", dom).group(1))
    description, graph = layout["description"], layout["graph"]
    assert description and graph, layout
    # The description, which opens with the table of claims, starts inside the window...
    assert description[1] >= 0
    # ... no table runs out of it ...
    assert layout["tables"] and all(
        t[0] >= description[0] - 1 and t[2] <= description[2] + 1 for t in layout["tables"]
    )
    # ... and the rule graph does not overlap it.
    left, top, right, bottom = description
    g_left, g_top, g_right, g_bottom = graph
    assert right <= g_left or g_right <= left or bottom <= g_top or g_bottom <= top, layout


def test_the_slurm_profile_and_the_default_profile_write_no_report_by_themselves():
    for profile in ("default", "slurm"):
        settings = yaml.safe_load((REPO / "profiles" / profile / "config.yaml").read_text())
        assert "report" not in settings and "report-after-run" not in settings, profile
        assert settings["report-stylesheet"] == "workflow/report/style.css"


def test_the_stylesheet_styles_only_winenets_own_content():
    css = (REPO / "workflow/report/style.css").read_text()
    selectors = re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL))
    assert selectors and all(selector.strip().startswith(".winenet-") for selector in selectors)
