rule validate:
    input:
        table=config["data"]["path"],
        code=package_modules("data.py"),
    output:
        "results/data/validated.parquet",
    log:
        "results/logs/validate.log",
    params:
        label=config["data"]["label"],
        features=config["data"]["features"],
    script:
        "../scripts/validate.py"


rule split_normalise:
    input:
        table=rules.validate.output[0],
        code=package_modules("data.py"),
    output:
        train="results/data/train.parquet",
        test="results/data/test.parquet",
        normalisation="results/data/normalisation.json",
    log:
        "results/logs/split_normalise.log",
    params:
        label=config["data"]["label"],
        split=config["split"],
        normalisation=config["normalisation"],
    script:
        "../scripts/split_normalise.py"
