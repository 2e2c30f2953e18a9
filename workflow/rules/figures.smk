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
