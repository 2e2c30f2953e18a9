"""Rule report_claims: the claims table -> its CSV, the glance, the evidence page and the figure."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_parquet  # noqa: E402
from winenet.claims_report import claims_figure, claims_page, glance_html  # noqa: E402
from winenet.plots import save_figure  # noqa: E402
from winenet.verdicts.columns import GLANCE_COLUMNS  # noqa: E402

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
