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
