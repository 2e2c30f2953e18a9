rule validate:
    input:
        table=config["data"]["path"],
        code=code("validate"),
    output:
        table="results/data/validated.parquet",
        summary="results/data/table.json",
    log:
        "results/logs/validate.log",
    params:
        label=config["data"]["label"],
        features=config["data"]["features"],
        exclude=config["data"]["exclude"],
    script:
        adapter("validate")


rule split_normalise:
    input:
        table=rules.validate.output.table,
        code=code("split_normalise"),
    output:
        train="results/data/{normalisation}/train.parquet",
        test="results/data/{normalisation}/test.parquet",
        normalisation="results/data/{normalisation}/normalisation.json",
        notes="results/data/{normalisation}/notes.rst",
    log:
        "results/logs/split_normalise/{normalisation}.log",
    params:
        label=config["data"]["label"],
        split=config["split"],
    script:
        adapter("split_normalise")
