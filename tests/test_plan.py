"""Whether a prediction would train: read from Snakemake's summary of what the models need."""

import pytest

from winenet.workflow.config import ConfigError
from winenet.workflow.plan import check_models_kept, pending_rules

SUMMARY = (
    "output_file\tdate\trule\tlog-file(s)\tstatus\tplan\n"
    "results/models/l1/weights.npz\t-\ttrain\tl1.log\tupdated input files\tupdate pending\n"
    "results/data/l2norm/train.parquet\t-\tsplit_normalise\t\tok\tno update\n"
    "results/data/validated.parquet\t-\tvalidate\t\tmissing\tupdate pending\n"
)


def test_pending_rules_are_those_of_files_the_summary_plans_to_make():
    assert pending_rules(SUMMARY) == ["train", "validate"]
    assert pending_rules(SUMMARY.replace("update pending", "no update")) == []


def test_models_up_to_date_pass_and_any_planned_job_stops_the_prediction(tmp_path):
    last_run = tmp_path / "config.yaml"
    check_models_kept([], last_run)
    with pytest.raises(ConfigError, match="this folder has none yet: run the whole workflow first"):
        check_models_kept(["train"], last_run)
    last_run.write_text("{}\n")
    with pytest.raises(ConfigError) as caught:
        check_models_kept(["train", "validate"], last_run)
    message = str(caught.value)
    assert "would first run train, validate" in message and f"--configfile {last_run}" in message
    assert "\n" not in message
