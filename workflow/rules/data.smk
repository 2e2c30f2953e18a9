rule validate:
    input:
        table=config["data"]["path"],
        code=code("validate"),
    output:
        table=results_path("data/validated.parquet"),
        summary=results_path("data/table.json"),
    log:
        results_path("logs/validate.log"),
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
        train=results_path("data/{normalisation}/train.parquet"),
        test=results_path("data/{normalisation}/test.parquet"),
        normalisation=results_path("data/{normalisation}/normalisation.json"),
        notes=results_path("data/{normalisation}/notes.rst"),
    log:
        results_path("logs/split_normalise/{normalisation}.log"),
    params:
        label=config["data"]["label"],
        split=config["split"],
    script:
        adapter("split_normalise")
