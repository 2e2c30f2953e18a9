rule l1_methods:
    input:
        train=rules.split_normalise.output.train,
        test=rules.split_normalise.output.test,
        normalisation=rules.split_normalise.output.normalisation,
        subgradient_weights=f"results/models/{L1_MODEL}/weights.npz",
        subgradient_history=f"results/models/{L1_MODEL}/history.parquet",
        code=package_modules("network.py", "training.py", "evaluation.py", "plots.py"),
    output:
        weights="results/beyond/l1_proximal/weights.npz",
        history="results/beyond/l1_proximal/history.parquet",
        table=report(
            "results/beyond/l1_methods.csv",
            caption="../report/l1_methods_table.rst",
            category="Beyond the report",
            labels={"model": "l1 vs l1_proximal", "figure": "sparsity table"},
        ),
    log:
        "results/logs/l1_methods.log",
    priority: PRIORITY_UPSTREAM
    resources:
        compute_jobs=1,
    params:
        model=config["models"][L1_MODEL],
        network=config["network"],
        training=config["training"],
    script:
        "../scripts/l1_methods.py"


rule plot_l1_methods:
    input:
        table=rules.l1_methods.output.table,
        subgradient_history=rules.l1_methods.input.subgradient_history,
        proximal_history=rules.l1_methods.output.history,
        code=package_modules("plots.py", "training.py"),
    output:
        report(
            "results/figures/beyond/l1_methods.png",
            caption="../report/l1_methods.rst",
            category="Beyond the report",
            labels={"model": "l1 vs l1_proximal", "figure": "loss and sparsity"},
        ),
    log:
        "results/logs/plot_l1_methods.log",
    params:
        coefficient=config["models"][L1_MODEL]["coefficient"],
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/plot_l1_methods.py"


rule seed_study:
    input:
        train=rules.split_normalise.output.train,
        test=rules.split_normalise.output.test,
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("network.py", "training.py", "uncertainty.py"),
    output:
        "results/beyond/seeds/{model}.parquet",
    log:
        "results/logs/seed_study/{model}.log",
    priority: PRIORITY_LONG
    resources:
        compute_jobs=1,
    params:
        model=model_settings,
        network=config["network"],
        training=config["training"],
        seeds=config["beyond"]["seeds"],
    script:
        "../scripts/seed_study.py"


rule cross_validate_model:
    input:
        table=rules.validate.output[0],
        code=package_modules("network.py", "training.py", "data.py", "uncertainty.py"),
    output:
        "results/beyond/cv/{model}.parquet",
    log:
        "results/logs/cross_validate_model/{model}.log",
    priority: PRIORITY_LONG
    resources:
        compute_jobs=1,
    params:
        label=config["data"]["label"],
        model=model_settings,
        network=config["network"],
        training=config["training"],
        normalisation=config["normalisation"],
        cross_validation=config["beyond"]["cross_validation"],
    script:
        "../scripts/cross_validate_model.py"


rule cross_validate_baselines:
    input:
        table=rules.validate.output[0],
        code=package_modules("data.py", "uncertainty.py"),
    output:
        "results/beyond/cv/baselines.parquet",
    log:
        "results/logs/cross_validate_baselines.log",
    priority: PRIORITY_LONG
    resources:
        compute_jobs=1,
    params:
        label=config["data"]["label"],
        cross_validation=config["beyond"]["cross_validation"],
    script:
        "../scripts/cross_validate_baselines.py"


rule uncertainty_summary:
    input:
        seeds=expand(rules.seed_study.output[0], model=MODELS),
        models=expand(rules.cross_validate_model.output[0], model=MODELS),
        baselines=rules.cross_validate_baselines.output[0],
        code=package_modules("uncertainty.py", "plots.py"),
    output:
        seeds=report(
            "results/beyond/seed_accuracy.csv",
            caption="../report/seed_accuracy_table.rst",
            category="Beyond the report",
            labels={"model": "all", "figure": "seeds table"},
        ),
        cross_validation=report(
            "results/beyond/cv_accuracy.csv",
            caption="../report/cv_accuracy_table.rst",
            category="Beyond the report",
            labels={"model": "all", "figure": "cross-validation table"},
        ),
        differences=report(
            "results/beyond/paired_differences.csv",
            caption="../report/paired_differences.rst",
            category="Beyond the report",
            labels={"model": "all", "figure": "paired differences table"},
        ),
        conclusion="results/beyond/uncertainty_conclusion.rst",
        seed_figure=report(
            "results/figures/beyond/seed_accuracy.png",
            caption="../report/seed_accuracy.rst",
            category="Beyond the report",
            labels={"model": "all", "figure": "accuracy per seed"},
        ),
        cv_figure=report(
            "results/figures/beyond/cv_accuracy.png",
            caption="../report/cv_accuracy.rst",
            category="Beyond the report",
            labels={"model": "all", "figure": "cross-validation accuracy"},
        ),
        difference_figure=report(
            "results/figures/beyond/paired_differences.png",
            caption="../report/paired_differences.rst",
            category="Beyond the report",
            labels={"model": "all", "figure": "paired differences"},
        ),
    log:
        "results/logs/uncertainty_summary.log",
    params:
        models=MODELS,
        bootstrap=config["beyond"]["cross_validation"]["bootstrap"],
        seed=config["beyond"]["cross_validation"]["seed"],
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/uncertainty_summary.py"


rule permutation_importance:
    input:
        weights=f"results/models/{PERMUTATION_MODEL}/weights.npz",
        test=rules.split_normalise.output.test,
        normalisation=rules.split_normalise.output.normalisation,
        summary=rules.importance_gather.output.summary,
        code=package_modules("network.py", "importance.py", "plots.py"),
    output:
        permutation=report(
            "results/beyond/permutation_importance.csv",
            caption="../report/permutation_importance.rst",
            category="Beyond the report",
            labels={
                "model": PERMUTATION_MODEL,
                "figure": "permutation importance table",
            },
        ),
        agreement="results/beyond/ranking_agreement.csv",
        agreement_text="results/beyond/ranking_agreement.rst",
        figure=report(
            "results/figures/beyond/ranking_comparison.png",
            caption="../report/ranking_comparison.rst",
            category="Beyond the report",
            labels={"model": PERMUTATION_MODEL, "figure": "rankings compared"},
        ),
    log:
        "results/logs/permutation_importance.log",
    params:
        permutation=config["beyond"]["permutation"],
        dpi=config["figures"]["dpi"],
    script:
        "../scripts/permutation_importance.py"
