"""Rule predict: new samples and every trained model -> one row per sample and model."""

from pathlib import Path

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.predict import predict_file

models = [Path(path).parent for path in snakemake.input.weights]
table = predict_file(snakemake.input.samples, models, id_column=snakemake.params.id_column)
table.to_csv(snakemake.output[0], index=False)
