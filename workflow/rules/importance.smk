rule importance_shard:
    input:
        train=rules.split_normalise.output.train,
        test=rules.split_normalise.output.test,
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("network.py", "training.py", "importance.py"),
    output:
        "results/importance/shards/{shard}.parquet",
    log:
        "results/logs/importance_shard/{shard}.log",
    threads: 1
    resources:
        compute_jobs=1,
    params:
        importance=config["importance"],
        hidden=config["network"]["hidden"],
        learning_rate=config["training"]["learning_rate"],
        batch_size=config["training"]["batch_size"],
    script:
        "../scripts/importance_shard.py"


rule importance_gather:
    input:
        shards=expand(rules.importance_shard.output[0], shard=SHARDS),
        normalisation=rules.split_normalise.output.normalisation,
        code=package_modules("importance.py"),
    output:
        scores="results/importance/scores.parquet",
        ranks="results/importance/ranks.parquet",
        frequencies="results/importance/rank_frequencies.parquet",
        summary=report(
            "results/importance/summary.csv",
            caption="../report/importance_summary.rst",
            category="Importance",
            labels={"model": "importance study", "figure": "summary table"},
        ),
        conclusion="results/importance/conclusion.rst",
    log:
        "results/logs/importance_gather.log",
    script:
        "../scripts/importance_gather.py"
