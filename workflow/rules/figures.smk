rule plot_feature_distributions:
    input:
        table=rules.validate.output.table,
        notes=data_file("notes"),
        code=code("plot_feature_distributions"),
    output:
        report(
            results_path("figures/data/feature_distributions.png"),
            caption="../report/feature_distributions.rst",
            category="Data",
            labels={"model": "all", "figure": "feature distributions"},
        ),
    log:
        results_path("logs/plot_feature_distributions.log"),
    params:
        label=config["data"]["label"],
        dpi=config["figures"]["dpi"],
    script:
        adapter("plot_feature_distributions")


# One job per model draws all of its figures: they are always redrawn together.
rule plot_model:
    input:
        history=rules.train.output.history,
        metrics=rules.evaluate.output.metrics,
        roc=rules.evaluate.output.roc,
        evaluation_notes=rules.evaluate.output.notes,
        normalisation=data_file("normalisation"),
        notes=data_file("notes"),
        code=code("plot_model"),
    output:
        curves=report(
            results_path("figures/models/{model}/training_curves.png"),
            caption="../report/training_curves.rst",
            category="Models",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "training curves"},
        ),
        roc=report(
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
        results_path("logs/plot_model/{model}.log"),
    params:
        penalty=lambda wildcards: model_settings(wildcards)["penalty"],
        coefficient=lambda wildcards: model_settings(wildcards)["coefficient"],
        hidden=config["network"]["hidden"],
        learning_rate=config["training"]["learning_rate"],
        batch_size=config["training"]["batch_size"],
        dpi=config["figures"]["dpi"],
    script:
        adapter("plot_model")


rule plot_model_comparison:
    input:
        summary=rules.compare.output.summary,
        code=code("plot_model_comparison"),
    output:
        report(
            results_path("figures/models/accuracy.png"),
            caption="../report/model_accuracy.rst",
            category="Evaluation",
            labels={"model": "all", "figure": "accuracy"},
        ),
    log:
        results_path("logs/plot_model_comparison.log"),
    params:
        dpi=config["figures"]["dpi"],
    script:
        adapter("plot_model_comparison")


# One job per normalisation draws the importance study's figures: they are always redrawn together.
rule plot_importance:
    input:
        frequencies=rules.importance_gather.output.frequencies,
        summary=rules.importance_gather.output.summary,
        conclusion=rules.importance_gather.output.conclusion,
        table=rules.validate.output.table,
        normalisation=data_file("normalisation", "{normalisation}"),
        code=code("plot_importance"),
    output:
        weight=report(
            results_path("figures/importance/{normalisation}/rank_heatmap_weight.png"),
            caption="../report/rank_heatmap.rst",
            category="Importance",
            subcategory="{normalisation} normalisation",
            labels={
                "normalisation": "{normalisation}",
                "figure": "rank heatmap, weight score",
            },
        ),
        gradient=report(
            results_path(
                "figures/importance/{normalisation}/rank_heatmap_gradient.png"
            ),
            caption="../report/rank_heatmap.rst",
            category="Importance",
            subcategory="{normalisation} normalisation",
            labels={
                "normalisation": "{normalisation}",
                "figure": "rank heatmap, gradient score",
            },
        ),
        features=report(
            results_path(
                "figures/importance/{normalisation}/features_by_importance.png"
            ),
            caption="../report/features_by_importance.rst",
            category="Importance",
            subcategory="{normalisation} normalisation",
            labels={
                "normalisation": "{normalisation}",
                "figure": "features by importance",
            },
        ),
    log:
        results_path("logs/plot_importance/{normalisation}.log"),
    params:
        runs=lambda wildcards: study_settings(wildcards.normalisation)["runs"],
        penalty=config["importance"]["penalty"],
        dpi=config["figures"]["dpi"],
    script:
        adapter("plot_importance")
