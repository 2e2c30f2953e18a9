rule plot_feature_distributions:
    input:
        table=rules.validate.output[0],
        code=package_modules("plots.py"),
    output:
        report(
            "results/figures/data/feature_distributions.png",
            caption="../report/feature_distributions.rst",
            category="Data",
            labels={"model": "all", "figure": "feature distributions"},
        ),
    log:
        "results/logs/plot_feature_distributions.log",
    params:
        label=config["data"]["label"],
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/plot_feature_distributions.py"


rule plot_training_curves:
    input:
        history=rules.train.output.history,
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("plots.py", "training.py"),
    output:
        report(
            "results/figures/models/{model}/training_curves.png",
            caption="../report/training_curves.rst",
            category="Models",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "training curves"},
        ),
    log:
        "results/logs/plot_training_curves/{model}.log",
    params:
        model=model_settings,
        network=config["network"],
        training=config["training"],
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/plot_training_curves.py"


rule plot_evaluation:
    input:
        predictions=rules.evaluate.output.predictions,
        metrics=rules.evaluate.output.metrics,
        roc=rules.evaluate.output.roc,
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("plots.py"),
    output:
        roc=report(
            "results/figures/models/{model}/roc_curves.png",
            caption="../report/roc_curves.rst",
            category="Evaluation",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "ROC curves"},
        ),
        confusion=report(
            "results/figures/models/{model}/confusion_matrix.png",
            caption="../report/confusion_matrix.rst",
            category="Evaluation",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "confusion matrix"},
        ),
    log:
        "results/logs/plot_evaluation/{model}.log",
    params:
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/plot_evaluation.py"


rule plot_model_comparison:
    input:
        summary=rules.compare.output.summary,
        code=package_modules("plots.py"),
    output:
        report(
            "results/figures/models/accuracy.png",
            caption="../report/model_accuracy.rst",
            category="Evaluation",
            labels={"model": "all", "figure": "accuracy"},
        ),
    log:
        "results/logs/plot_model_comparison.log",
    params:
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/plot_model_comparison.py"


rule plot_rank_heatmaps:
    input:
        frequencies=rules.importance_gather.output.frequencies,
        conclusion=rules.importance_gather.output.conclusion,
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("plots.py", "importance.py"),
    output:
        weight=report(
            "results/figures/importance/rank_heatmap_weight.png",
            caption="../report/rank_heatmap.rst",
            category="Importance",
            labels={
                "model": "importance study",
                "figure": "rank heatmap, weight score",
            },
        ),
        gradient=report(
            "results/figures/importance/rank_heatmap_gradient.png",
            caption="../report/rank_heatmap.rst",
            category="Importance",
            labels={
                "model": "importance study",
                "figure": "rank heatmap, gradient score",
            },
        ),
    log:
        "results/logs/plot_rank_heatmaps.log",
    params:
        runs=config["importance"]["runs"],
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/plot_rank_heatmaps.py"


# Its own job, beside the heatmaps: the last figures of a run draw on both cores at once.
rule plot_features_by_importance:
    input:
        summary=rules.importance_gather.output.summary,
        conclusion=rules.importance_gather.output.conclusion,
        table=rules.validate.output[0],
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("plots.py"),
    output:
        report(
            "results/figures/importance/features_by_importance.png",
            caption="../report/features_by_importance.rst",
            category="Importance",
            labels={"model": "importance study", "figure": "features by importance"},
        ),
    log:
        "results/logs/plot_features_by_importance.log",
    params:
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/plot_features_by_importance.py"
