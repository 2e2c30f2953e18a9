"""Rule report: every result of the default run -> results/report.html and results/config.yaml."""

from pathlib import Path

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.report.html_report import build_report

# The script runs from a copy under .snakemake/scripts/; scriptdir is where its source lies, in
# workflow/scripts/ beside the Snakefile, whatever the working directory (--directory).
workflow_dir = Path(snakemake.scriptdir).resolve().parents[1]
stylesheet = workflow_dir / "workflow" / "report" / "style.css"
output = snakemake.output
build_report(
    output.report,
    snakemake.params.config,
    output.config,
    workflow_dir / "Snakefile",
    stylesheet,
    snakemake.log[0],
)
