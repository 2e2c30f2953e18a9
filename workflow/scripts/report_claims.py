"""Rule report_claims: the claims table -> its CSV, the glance, the evidence page and the figure."""

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_parquet
from winenet.report.claims_report import claims_figure, claims_page, glance_html
from winenet.report.plots import save_figure
from winenet.verdicts.columns import GLANCE_COLUMNS

claims = read_parquet(snakemake.input.claims)
output = snakemake.output
claims.to_csv(output.table, index=False)
claims[GLANCE_COLUMNS].to_csv(output.glance, index=False)
with open(output.glance_html, "w") as handle:
    handle.write(glance_html(claims))
with open(output.page, "w") as handle:
    handle.write(claims_page(claims))
title = "Each claim's estimate and interval against the region where it holds"
save_figure(claims_figure(claims, title), output.figure, snakemake.params.dpi)
