# The HTML report of a complete run. It waits for every default result, so a run of a partial
# target never replaces a complete report with a partial one, and a dry run writes nothing.
rule report:
    input:
        final_targets(),
        code=code("report"),
        # Its captions, landing page and stylesheet: an edit to any of them rebuilds the report.
        # (relative to the working directory: a copied or moved project keeps its report).
        pages=sorted(
            os.path.relpath(page)
            for page in Path(workflow.basedir, "workflow", "report").iterdir()
        ),
    output:
        report=results_path("report.html"),
        # The effective config of this complete run: pass it again to keep its settings.
        config=LAST_RUN_CONFIG,
    log:
        results_path("logs/report.log"),
    localrule: True
    params:
        # The captions quote the settings, any of them.
        config=config,
    script:
        adapter("report")
