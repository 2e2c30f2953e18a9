rule importance_shard:
    input:
        train=data_file("train", "{normalisation}"),
        test=data_file("test", "{normalisation}"),
        normalisation=data_file("normalisation", "{normalisation}"),
        code=code("importance_shard"),
    output:
        results_path("importance/{normalisation}/shards/{shard}.parquet"),
    log:
        results_path("logs/importance_shard/{normalisation}/{shard}.log"),
    benchmark:
        results_path("benchmarks/importance_shard/{normalisation}/{shard}.tsv")
    priority: PRIORITY_LONG
    threads: TRAINING_THREADS
    resources:
        mem_mb=requested("importance_shard", "mem_mb"),
        runtime=requested("importance_shard", "runtime"),
    params:
        importance=lambda wildcards: study_settings(wildcards.normalisation),
        hidden=config["network"]["hidden"],
        learning_rate=config["training"]["learning_rate"],
        batch_size=config["training"]["batch_size"],
    script:
        adapter("importance_shard")


# The same study on further splits of the table, which the ranking claims are judged over as well
# (winenet.studies.splits): one job per normalisation.
rule importance_splits:
    input:
        table=rules.validate.output.table,
        code=code("importance_splits"),
    output:
        scores=results_path("importance/{normalisation}/splits/scores.parquet"),
        ranks=results_path("importance/{normalisation}/splits/ranks.parquet"),
    log:
        results_path("logs/importance_splits/{normalisation}.log"),
    benchmark:
        results_path("benchmarks/importance_splits/{normalisation}.tsv")
    priority: PRIORITY_LONG
    threads: TRAINING_THREADS
    resources:
        mem_mb=requested("importance_splits", "mem_mb"),
        runtime=requested("importance_splits", "runtime"),
    params:
        importance=lambda wildcards: split_study_settings(wildcards.normalisation),
        label=config["data"]["label"],
        split=config["split"],
        hidden=config["network"]["hidden"],
        learning_rate=config["training"]["learning_rate"],
        batch_size=config["training"]["batch_size"],
    script:
        adapter("importance_splits")


rule importance_gather:
    input:
        shards=lambda wildcards: expand(
            rules.importance_shard.output[0],
            normalisation=wildcards.normalisation,
            shard=study_shards(wildcards.normalisation),
        ),
        normalisation=data_file("normalisation", "{normalisation}"),
        notes=data_file("notes", "{normalisation}"),
        code=code("importance_gather"),
    output:
        scores=results_path("importance/{normalisation}/scores.parquet"),
        ranks=results_path("importance/{normalisation}/ranks.parquet"),
        frequencies=results_path("importance/{normalisation}/rank_frequencies.parquet"),
        summary=report(
            results_path("importance/{normalisation}/summary.csv"),
            caption="../report/importance_summary.rst",
            category="Importance",
            subcategory="{normalisation} normalisation",
            labels={"normalisation": "{normalisation}", "figure": "summary table"},
        ),
        conclusion=results_path("importance/{normalisation}/conclusion.rst"),
    log:
        results_path("logs/importance_gather/{normalisation}.log"),
    params:
        runs=lambda wildcards: study_settings(wildcards.normalisation)["runs"],
    script:
        adapter("importance_gather")
