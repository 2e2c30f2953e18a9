"""Rule importance_sensitivity: the study's summaries under every normalisation -> agreement and figure."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_csv
from winenet.report.plots import importance_rankings, save_figure
from winenet.studies.measures import MEASURES
from winenet.studies.sensitivity import ranking_agreement

summaries = {
    normalisation: read_csv(path)
    for normalisation, path in zip(snakemake.params.normalisations, snakemake.input.summaries, strict=True)
}
agreement = ranking_agreement(summaries)
agreement.to_csv(snakemake.output.agreement, index=False, float_format="%.4f")
title = "Feature importance by measure and normalisation (mean rank, 95 % interval over runs)"
figure = importance_rankings(summaries, MEASURES, title)
save_figure(figure, snakemake.output.figure, snakemake.params.dpi)
print(agreement.to_string(index=False), file=sys.stderr)
