rule train:
    input:
        train=data_file("train"),
        test=data_file("test"),
        normalisation=data_file("normalisation"),
        code=code("train"),
    output:
        weights=results_path("models/{model}/weights.npz"),
        description=results_path("models/{model}/model.json"),
        history=results_path("models/{model}/history.parquet"),
    log:
        results_path("logs/train/{model}.log"),
    benchmark:
        results_path("benchmarks/train/{model}.tsv")
    priority: PRIORITY_UPSTREAM
    threads: TRAINING_THREADS
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
        predictions=results_path("models/{model}/predictions.parquet"),
        metrics=results_path("models/{model}/metrics.json"),
        roc=results_path("models/{model}/roc_points.parquet"),
        notes=results_path("models/{model}/notes.rst"),
        report=report(
            results_path("models/{model}/classification_report.txt"),
            caption="../report/classification_report.rst",
            category="Evaluation",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "classification report"},
        ),
    log:
        results_path("logs/evaluate/{model}.log"),
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
        metrics=results_path("metrics.json"),
        note=results_path("models/summary.rst"),
        summary=report(
            results_path("models/summary.csv"),
            caption="../report/model_comparison.rst",
            category="Evaluation",
            labels={"model": "all", "figure": "comparison table"},
        ),
    log:
        results_path("logs/compare.log"),
    params:
        models=MODELS,
    script:
        adapter("compare")
