# On demand, not part of the default run: `snakemake --cores 8 results/predictions/{name}.csv`
# for the samples in data/new/{name}.csv (under the run's folder, when `results` names another).
rule predict:
    input:
        samples="data/new/{name}.csv",
        weights=kept_models,
        descriptions=expand(rules.train.output.description, model=MODELS),
        code=code("predict"),
    output:
        results_path("predictions/{name}.csv"),
    log:
        results_path("logs/predict/{name}.log"),
    wildcard_constraints:
        name=r"[^/]+",
    params:
        id_column=config["predict"]["id_column"],
    script:
        adapter("predict")
