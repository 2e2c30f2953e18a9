# winenet: which producer made a wine, from its chemical measurements.
# Table of contents; the rules live in workflow/rules/, the logic in src/winenet/.
import os
import sys

from snakemake.utils import min_version, validate

min_version("9.0")

# This file and every job import the winenet package beside this Snakefile.
sys.path.insert(0, os.path.join(workflow.basedir, "src"))


configfile: "config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/importance.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/beyond.smk"


rule all:
    default_target: True
    input:
        final_targets(),
