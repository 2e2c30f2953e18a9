rule train:
    input:
        train=data_file("train"),
        test=data_file("test"),
        normalisation=data_file("normalisation"),
        code=code("train"),
    output:
        weights="results/models/{model}/weights.npz",
        description="results/models/{model}/model.json",
        history="results/models/{model}/history.parquet",
    log:
        "results/logs/train/{model}.log",
    benchmark:
        "results/benchmarks/train/{model}.tsv"
    priority: PRIORITY_UPSTREAM
    threads: 1
    resources:
        mem_mb=requested("train", "mem_mb"),
        runtime=requested("train", "runtime"),
    params:
        model=model_settings,
        network=config["network"],
        training=config["training"],
    script:
        adapter("train")


rule evaluate:
    input:
        weights=rules.train.output.weights,
        test=data_file("test"),
        normalisation=data_file("normalisation"),
        code=code("evaluate"),
    output:
        predictions="results/models/{model}/predictions.parquet",
        metrics="results/models/{model}/metrics.json",
        roc="results/models/{model}/roc_points.parquet",
        notes="results/models/{model}/notes.rst",
        report=report(
            "results/models/{model}/classification_report.txt",
            caption="../report/classification_report.rst",
            category="Evaluation",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "classification report"},
        ),
    log:
        "results/logs/evaluate/{model}.log",
    params:
        penalty=lambda wildcards: model_settings(wildcards)["penalty"],
        coefficient=lambda wildcards: model_settings(wildcards)["coefficient"],
    script:
        adapter("evaluate")


rule compare:
    input:
        metrics=expand(rules.evaluate.output.metrics, model=MODELS),
        code=code("compare"),
    output:
        metrics="results/metrics.json",
        note="results/models/summary.rst",
        summary=report(
            "results/models/summary.csv",
            caption="../report/model_comparison.rst",
            category="Evaluation",
            labels={"model": "all", "figure": "comparison table"},
        ),
    log:
        "results/logs/compare.log",
    params:
        models=MODELS,
    script:
        adapter("compare")
