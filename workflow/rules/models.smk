rule train:
    input:
        train=rules.split_normalise.output.train,
        test=rules.split_normalise.output.test,
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("network.py", "training.py"),
    output:
        weights="results/models/{model}/weights.npz",
        history="results/models/{model}/history.parquet",
    log:
        "results/logs/train/{model}.log",
    priority: PRIORITY_UPSTREAM
    resources:
        compute_jobs=1,
    params:
        model=model_settings,
        network=config["network"],
        training=config["training"],
    script:
        "../scripts/train.py"


rule evaluate:
    input:
        weights=rules.train.output.weights,
        test=rules.split_normalise.output.test,
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("network.py", "training.py", "evaluation.py"),
    output:
        predictions="results/models/{model}/predictions.parquet",
        metrics="results/models/{model}/metrics.json",
        roc="results/models/{model}/roc_points.parquet",
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
        model=model_settings,
    script:
        "../scripts/evaluate.py"


rule compare:
    input:
        metrics=expand(rules.evaluate.output.metrics, model=MODELS),
        code=package_modules("evaluation.py"),
    output:
        metrics="results/metrics.json",
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
        "../scripts/compare.py"
