# winenet: which producer made a wine, from its chemical measurements.
# Table of contents; the rules live in workflow/rules/, the logic in src/winenet/.
import os
import sys

from snakemake.utils import min_version, validate

min_version("9.0")

# This file and every job import the winenet package beside this Snakefile, whichever one is
# installed in the environment.
SRC = os.path.join(workflow.basedir, "src")
sys.path.insert(0, SRC)
from winenet.workflow.config import (
    check_config,
    check_overrides,
    refused_in_words,
    type_as_schema,
)
from winenet.jobs.job import pin_workflow_code

pin_workflow_code(SRC)

# Before `configfile:`, config holds only what --config and --configfile gave.
with refused_in_words():
    check_overrides(config)


configfile: "config.yaml"


SCHEMA = "workflow/schemas/config.schema.yaml"
with refused_in_words():
    # Values inside a nested --config mapping arrive as strings: type them as the schema says.
    type_as_schema(config, os.path.join(workflow.basedir, SCHEMA))
    # Every problem at once, one line each, naming the key (or the claim).
    check_config(config, os.path.join(workflow.basedir, SCHEMA))
# Fills in the defaults the schema declares.
validate(config, SCHEMA)


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/importance.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/beyond.smk"
include: "workflow/rules/predict.smk"
include: "workflow/rules/report.smk"


# On a cluster only the rules that train are submitted, each asking for what it measured (their
# `resources:`); these light ones run on the submitting node, in seconds, rather than wait in the
# queue (docs/cluster.md).
localrules:
    validate,
    split_normalise,
    cv_folds,
    evaluate,
    compare,
    importance_gather,
    cv_summary,
    importance_sensitivity,
    claims,
    report_claims,
    plot_feature_distributions,
    plot_importance,
    plot_l1_methods,
    regularisation_path,
    predict,
    report,
    all,


rule all:
    default_target: True
    input:
        final_targets(),
        rules.report.output,
