"""Rule report: every result of the default run -> results/report.html."""

from pathlib import Path

from winenet.job import start_job

start_job(snakemake)

from winenet.html_report import build_report  # noqa: E402

# The Snakefile two levels above this script (workflow/scripts/report.py).
snakefile = Path(__file__).resolve().parents[2] / "Snakefile"
build_report(snakemake.output[0], snakemake.params.config, snakefile, snakemake.log[0])
