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


# One job per model scores it and draws its figures: a job less to start per model (docs/performance.md).
rule evaluate:
    input:
        weights=rules.train.output.weights,
        history=rules.train.output.history,
        test=data_file("test"),
        normalisation=data_file("normalisation"),
        notes=data_file("notes"),
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
        curves=report(
            results_path("figures/models/{model}/training_curves.png"),
            caption="../report/training_curves.rst",
            category="Models",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "training curves"},
        ),
        roc_figure=report(
            results_path("figures/models/{model}/roc_curves.png"),
            caption="../report/roc_curves.rst",
            category="Evaluation",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "ROC curves"},
        ),
        confusion=report(
            results_path("figures/models/{model}/confusion_matrix.png"),
            caption="../report/confusion_matrix.rst",
            category="Evaluation",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "confusion matrix"},
        ),
    log:
        results_path("logs/evaluate/{model}.log"),
    params:
        penalty=lambda wildcards: model_settings(wildcards)["penalty"],
        coefficient=lambda wildcards: model_settings(wildcards)["coefficient"],
        hidden=config["network"]["hidden"],
        learning_rate=config["training"]["learning_rate"],
        batch_size=config["training"]["batch_size"],
        dpi=config["figures"]["dpi"],
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
        figure=report(
            results_path("figures/models/accuracy.png"),
            caption="../report/model_accuracy.rst",
            category="Evaluation",
            labels={"model": "all", "figure": "accuracy"},
        ),
    log:
        results_path("logs/compare.log"),
    params:
        models=MODELS,
        dpi=config["figures"]["dpi"],
    script:
        adapter("compare")
