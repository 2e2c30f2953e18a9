rule l1_methods:
    input:
        train=data_file("train"),
        test=data_file("test"),
        normalisation=data_file("normalisation"),
        subgradient_weights=output_of(rules.train.output.weights, model=L1_MODEL),
        subgradient_history=output_of(rules.train.output.history, model=L1_MODEL),
        code=code("l1_methods"),
    output:
        weights=results_path("beyond/l1_proximal/weights.npz"),
        history=results_path("beyond/l1_proximal/history.parquet"),
        table=report(
            results_path("beyond/l1_methods.csv"),
            caption="../report/l1_methods_table.rst",
            category="Beyond the report",
            subcategory="L1 methods",
            labels={"model": "l1 vs l1_proximal", "figure": "sparsity table"},
        ),
    log:
        results_path("logs/l1_methods.log"),
    benchmark:
        results_path("benchmarks/l1_methods.tsv")
    priority: PRIORITY_UPSTREAM
    threads: TRAINING_THREADS
    resources:
        mem_mb=requested("l1_methods", "mem_mb"),
        runtime=requested("l1_methods", "runtime"),
    params:
        coefficient=config["models"][L1_MODEL]["coefficient"],
        hidden=config["network"]["hidden"],
        learning_rate=config["training"]["learning_rate"],
        batch_size=config["training"]["batch_size"],
        epochs=config["training"]["epochs"],
        seed=config["training"]["seed"],
    script:
        adapter("l1_methods")


rule plot_l1_methods:
    input:
        table=rules.l1_methods.output.table,
        subgradient_history=rules.l1_methods.input.subgradient_history,
        proximal_history=rules.l1_methods.output.history,
        code=code("plot_l1_methods"),
    output:
        report(
            results_path("figures/beyond/l1_methods.png"),
            caption="../report/l1_methods.rst",
            category="Beyond the report",
            subcategory="L1 methods",
            labels={"model": "l1 vs l1_proximal", "figure": "loss and sparsity"},
        ),
    log:
        results_path("logs/plot_l1_methods.log"),
    params:
        coefficient=config["models"][L1_MODEL]["coefficient"],
        dpi=config["figures"]["dpi"],
    script:
        adapter("plot_l1_methods")


rule seed_study:
    input:
        train=data_file("train"),
        test=data_file("test"),
        normalisation=data_file("normalisation"),
        code=code("seed_study"),
    output:
        accuracy=results_path("beyond/seeds/{model}/accuracy.parquet"),
        history=results_path("beyond/seeds/{model}/history.parquet"),
    log:
        results_path("logs/seed_study/{model}.log"),
    benchmark:
        results_path("benchmarks/seed_study/{model}.tsv")
    wildcard_constraints:
        model="|".join(SEED_MODELS),
    priority: PRIORITY_LONG
    threads: TRAINING_THREADS
    resources:
        mem_mb=requested("seed_study", "mem_mb"),
        runtime=requested("seed_study", "runtime"),
    params:
        model=model_settings,
        network=config["network"],
        training=config["training"],
        seeds=config["beyond"]["seeds"],
    script:
        adapter("seed_study")


CROSS_VALIDATION_FOLDS = {
    key: config["beyond"]["cross_validation"][key]
    for key in ("folds", "repeats", "random_state")
}


# The folds every network and baseline is scored on, made once: fold i is the same split everywhere.
rule cv_folds:
    input:
        table=rules.validate.output.table,
        code=code("cv_folds"),
    output:
        results_path("beyond/folds.parquet"),
    log:
        results_path("logs/cv_folds.log"),
    params:
        label=config["data"]["label"],
        folds=CROSS_VALIDATION_FOLDS,
    script:
        adapter("cv_folds")


# One job per model trains it on every fold under every normalisation, as one stack: the same
# numbers as a stack per normalisation, for fuller stacks and fewer jobs to start.
rule cross_validate_model:
    input:
        table=rules.validate.output.table,
        folds=rules.cv_folds.output[0],
        code=code("cross_validate_model"),
    output:
        expand(
            results_path("beyond/cv/{normalisation}/{{model}}.parquet"),
            normalisation=NORMALISATIONS,
        ),
    log:
        results_path("logs/cross_validate_model/{model}.log"),
    benchmark:
        results_path("benchmarks/cross_validate_model/{model}.tsv")
    priority: PRIORITY_LONG
    threads: TRAINING_THREADS
    resources:
        mem_mb=requested("cross_validate_model", "mem_mb"),
        runtime=requested("cross_validate_model", "runtime"),
    params:
        label=config["data"]["label"],
        normalisations=NORMALISATIONS,
        model=model_settings,
        network=config["network"],
        training=config["training"],
        seed=config["beyond"]["cross_validation"]["seed"],
        dtype=config["beyond"]["cross_validation"]["dtype"],
    script:
        adapter("cross_validate_model")


rule cross_validate_baselines:
    input:
        table=rules.validate.output.table,
        folds=rules.cv_folds.output[0],
        code=code("cross_validate_baselines"),
    output:
        results_path("beyond/cv_baselines/{normalisation}.parquet"),
    log:
        results_path("logs/cross_validate_baselines/{normalisation}.log"),
    benchmark:
        results_path("benchmarks/cross_validate_baselines/{normalisation}.tsv")
    priority: PRIORITY_LONG
    threads: TRAINING_THREADS
    resources:
        mem_mb=requested("cross_validate_baselines", "mem_mb"),
        runtime=requested("cross_validate_baselines", "runtime"),
    params:
        label=config["data"]["label"],
        seed=config["beyond"]["cross_validation"]["seed"],
        hidden=config["network"]["hidden"],
    script:
        adapter("cross_validate_baselines")


rule cv_summary:
    input:
        seeds=expand(rules.seed_study.output.accuracy, model=SEED_MODELS),
        models=expand(rules.cross_validate_model.output, model=MODELS),
        baselines=expand(
            rules.cross_validate_baselines.output[0], normalisation=NORMALISATIONS
        ),
        code=code("cv_summary"),
    output:
        seeds=report(
            results_path("beyond/seed_accuracy.csv"),
            caption="../report/seed_accuracy_table.rst",
            category="Beyond the report",
            subcategory="Seeds",
            labels={"model": "all", "figure": "seeds table"},
        ),
        cross_validation=report(
            results_path("beyond/cv_accuracy.csv"),
            caption="../report/cv_accuracy_table.rst",
            category="Beyond the report",
            subcategory="Cross-validation",
            labels={"model": "all", "figure": "cross-validation table"},
        ),
        differences=report(
            results_path("beyond/paired_differences.csv"),
            caption="../report/paired_differences_table.rst",
            category="Beyond the report",
            subcategory="Cross-validation",
            labels={"model": "all", "figure": "paired differences table"},
        ),
        seeds_figure=report(
            results_path("figures/beyond/seed_accuracy.png"),
            caption="../report/seed_accuracy.rst",
            category="Beyond the report",
            subcategory="Seeds",
            labels={"model": "all", "figure": "accuracy per seed"},
        ),
        cross_validation_figure=report(
            results_path("figures/beyond/cv_accuracy.png"),
            caption="../report/cv_accuracy.rst",
            category="Beyond the report",
            subcategory="Cross-validation",
            labels={"model": "all", "figure": "cross-validation accuracy"},
        ),
        differences_figure=report(
            results_path("figures/beyond/paired_differences.png"),
            caption="../report/paired_differences.rst",
            category="Beyond the report",
            subcategory="Cross-validation",
            labels={"model": "all", "figure": "paired differences"},
        ),
    log:
        results_path("logs/cv_summary.log"),
    params:
        models=MODELS,
        margin=config["claims"]["margin"],
        dpi=config["figures"]["dpi"],
    script:
        adapter("cv_summary")


rule importance_sensitivity:
    input:
        summaries=expand(
            rules.importance_gather.output.summary, normalisation=NORMALISATIONS
        ),
        code=code("importance_sensitivity"),
    output:
        agreement=report(
            results_path("beyond/ranking_agreement.csv"),
            caption="../report/ranking_agreement.rst",
            category="Beyond the report",
            subcategory="Preprocessing",
            labels={"model": "importance study", "figure": "rank correlations"},
        ),
        figure=report(
            results_path("figures/beyond/importance_rankings.png"),
            caption="../report/importance_rankings.rst",
            category="Beyond the report",
            subcategory="Preprocessing",
            labels={"model": "importance study", "figure": "rankings compared"},
        ),
    log:
        results_path("logs/importance_sensitivity.log"),
    params:
        normalisations=NORMALISATIONS,
        dpi=config["figures"]["dpi"],
    script:
        adapter("importance_sensitivity")


rule claims:
    input:
        table=rules.validate.output.summary,
        metrics=rules.compare.output.metrics,
        seeds=expand(rules.seed_study.output.accuracy, model=SEED_MODELS),
        seed_histories=expand(rules.seed_study.output.history, model=SEED_MODELS),
        models=rules.cv_summary.input.models,
        baselines=rules.cv_summary.input.baselines,
        ranks=expand(rules.importance_gather.output.ranks, normalisation=NORMALISATIONS),
        scores=expand(
            rules.importance_gather.output.scores, normalisation=NORMALISATIONS
        ),
        features=[data_file("train", n) for n in NORMALISATIONS],
        split_ranks=expand(
            rules.importance_splits.output.ranks, normalisation=SPLIT_NORMALISATIONS
        ),
        split_scores=expand(
            rules.importance_splits.output.scores, normalisation=SPLIT_NORMALISATIONS
        ),
        code=code("claims"),
    output:
        results_path("claims.parquet"),
    log:
        results_path("logs/claims.log"),
    params:
        statements=config["claims"]["statements"],
        settings={
            key: value
            for key, value in config["claims"].items()
            if key != "statements"
        },
        models=MODELS,
        seed_models=SEED_MODELS,
        normalisations=NORMALISATIONS,
        split_normalisations=SPLIT_NORMALISATIONS,
        design=claims_design(),
        reference_sha256=config["reference"].get("table_sha256"),
    script:
        adapter("claims")


# The claims as a reader sees them, from the claims table alone: the report's Claims category.
rule report_claims:
    input:
        claims=rules.claims.output[0],
        code=code("report_claims"),
    output:
        table=report(
            results_path("claims.csv"),
            caption="../report/claims.rst",
            category="Claims",
            labels={"model": "all", "figure": "claims table"},
        ),
        glance=results_path("verdicts.csv"),
        glance_html=report(
            results_path("verdicts.html"),
            caption="../report/verdicts.rst",
            category="Claims",
            labels={"model": "all", "figure": "verdicts at a glance"},
        ),
        page=report(
            results_path("claims.html"),
            caption="../report/claims_page.rst",
            category="Claims",
            labels={"model": "all", "figure": "claims and their evidence"},
        ),
        figure=report(
            results_path("figures/claims.png"),
            caption="../report/claims_figure.rst",
            category="Claims",
            labels={"model": "all", "figure": "claims against their margins"},
        ),
    log:
        results_path("logs/report_claims.log"),
    params:
        dpi=config["figures"]["dpi"],
    script:
        adapter("report_claims")


rule regularisation_path_stack:
    input:
        table=rules.validate.output.table,
        folds=rules.cv_folds.output[0],
        code=code("regularisation_path_stack"),
    output:
        results_path("beyond/regularisation_path/{normalisation}/{penalty}.parquet"),
    log:
        results_path("logs/regularisation_path/{normalisation}/{penalty}.log"),
    benchmark:
        results_path("benchmarks/regularisation_path/{normalisation}/{penalty}.tsv")
    wildcard_constraints:
        penalty="|".join(config["beyond"]["regularisation_path"]["penalties"]),
    threads: TRAINING_THREADS
    resources:
        mem_mb=requested("regularisation_path_stack", "mem_mb"),
        runtime=requested("regularisation_path_stack", "runtime"),
    params:
        label=config["data"]["label"],
        network=config["network"],
        training=config["training"],
        seed=config["beyond"]["cross_validation"]["seed"],
        dtype=config["beyond"]["cross_validation"]["dtype"],
        coefficients={
            key: config["beyond"]["regularisation_path"][key]
            for key in ("coefficient_low", "coefficient_high", "coefficient_count")
        },
    script:
        adapter("regularisation_path_stack")


# Opt-in, not part of the default run: `snakemake --cores 8 regularisation_path`.
rule regularisation_path:
    input:
        stacks=expand(
            rules.regularisation_path_stack.output[0],
            normalisation=NORMALISATIONS,
            penalty=config["beyond"]["regularisation_path"]["penalties"],
        ),
        code=code("regularisation_path"),
    output:
        table=results_path("beyond/regularisation_path.csv"),
        figure=results_path("figures/beyond/regularisation_path.png"),
    log:
        results_path("logs/regularisation_path.log"),
    params:
        dpi=config["figures"]["dpi"],
    script:
        adapter("regularisation_path")
