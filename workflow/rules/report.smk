# The HTML report of a complete run. It waits for every default result, so a run of a partial
# target never replaces a complete report with a partial one, and a dry run writes nothing.
rule report:
    input:
        final_targets(),
        code=code("report"),
    output:
        "results/report.html",
    log:
        "results/logs/report.log",
    benchmark:
        "results/benchmarks/report.tsv"
    localrule: True
    params:
        # The captions quote the settings, any of them.
        config=config,
        # Scripts run from a copy under .snakemake/scripts/: the workflow is found from here.
        snakefile=os.path.join(workflow.basedir, "Snakefile"),
        stylesheet=os.path.join(workflow.basedir, "workflow", "report", "style.css"),
    script:
        adapter("report")
