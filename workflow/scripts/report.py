"""Rule report: every result of the default run -> results/report.html."""

from winenet.job import start_job

start_job(snakemake)

from winenet.html_report import build_report  # noqa: E402

params = snakemake.params
build_report(snakemake.output[0], params.config, params.snakefile, params.stylesheet, snakemake.log[0])
