"""The columns of the claims table (``results/claims.parquet`` and ``claims.csv``): verdicts as data.

Every number a verdict rests on is a field of its row; the evidence sentence is rendered from these
fields (``render.py``) and never parsed back. A field that does not apply to a row's kind, or a
number that does not exist (no interval when every value is equal, no ratio when the second model
has none), is empty (null), never NaN; the row's ``note`` and its evidence say why.
docs/claims.md lists every column with the meaning given here; a test holds the two together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    """One column of the claims table: its name, pandas dtype and what it holds."""

    name: str
    dtype: str  # "string", "Int64" or "Float64": nullable, so that a missing value is empty, never NaN
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "the row: the statement's number, then `.k` when the statement has several rows"),
    Column("statement", "Int64", "the statement's position in `claims.statements`, from 1"),
    Column("claim", "string", "the statement's `text`"),
    Column("kind", "string", "the rule that judged it (`accuracy`, `comparison`, ...)"),
    Column("models", "string", "the models the row judges or compares, comma-separated"),
    Column("normalisation", "string", "the normalisation the evidence was made under"),
    Column("under", "string", "what the row covers, in a few words: the seeds, a normalisation, a network"),
    Column("verdict", "string", "holds, does not hold or undecided"),
    Column("quantity", "string", "what `estimate` measures"),
    Column("estimate", "Float64", "the quantity the claim is about, from the run's own outputs"),
    Column("ci_low", "Float64", "lower end of the estimate's interval"),
    Column("ci_high", "Float64", "upper end of the estimate's interval"),
    Column("confidence", "Float64", "the interval's confidence: the level its rule decides at"),
    Column("interval", "string", "how the interval was found"),
    Column("claim_low", "Float64", "lower end of the estimate's region where the claim holds (empty: none)"),
    Column("claim_high", "Float64", "upper end of that region (empty: none): the claim's margin or window"),
    Column("margin", "Float64", "the claim's margin in its own units: an accuracy, a ratio margin, a factor"),
    Column("margin_from", "string", "where the margin comes from: the claim's own, or a `claims:` setting"),
    Column("test", "string", "the test that decides the row"),
    Column("statistic_name", "string", "what `statistic` is"),
    Column("statistic", "Float64", "the deciding test's statistic"),
    Column("p_claim", "Float64", "the error of saying holds, before any correction"),
    Column("p_contrary", "Float64", "the error of saying does not hold, before any correction"),
    Column("error", "Float64", "the verdict's error after Holm's correction within the statement"),
    Column("alpha", "Float64", "the largest error a verdict may carry (1 - `posterior_threshold`)"),
    Column("sample", "Int64", "how many seeds, folds, runs or rows the evidence rests on"),
    Column("sample_unit", "string", "what `sample` counts"),
    Column("diverged", "Int64", "how many of them diverged"),
    Column("at_chance", "Int64", "how many of them learned nothing (at chance)"),
    Column("runs_named", "string", "which ones diverged or learned nothing, and how the rule treated them"),
    Column("side_a", "string", "the first side of the row: a model, a feature, a normalisation"),
    Column("value_a", "Float64", "its own value (an accuracy, a volatility, a mean rank, a spread)"),
    Column("side_b", "string", "the second side"),
    Column("value_b", "Float64", "its own value"),
    Column("quantity_2", "string", "a second measure of the same claim, reported beside the estimate"),
    Column("estimate_2", "Float64", "its value"),
    Column("ci_low_2", "Float64", "lower end of its interval"),
    Column("ci_high_2", "Float64", "upper end of its interval"),
    Column("estimate_verdict", "string", "what the estimate's interval alone says"),
    Column("estimate_2_verdict", "string", "what the second measure's interval alone says"),
    Column("claimed", "Float64", "accuracy: the reported value the claim names"),
    Column("rows", "Int64", "accuracy: the validation rows every seed is scored on"),
    Column("seeds_inside", "Int64", "accuracy: seeds whose accuracy lies in the window"),
    Column("seeds_below", "Int64", "accuracy: seeds below it (a diverged seed counts below)"),
    Column("seeds_above", "Int64", "accuracy: seeds above it"),
    Column("model_accuracy", "Float64", "accuracy: this run's own model on the validation rows"),
    Column("measure", "string", "top_features: the importance measure that decides"),
    Column("measures_voting", "string", "top_features: the measures that discriminate, and so vote"),
    Column("measures_abstaining", "string", "top_features: those that do not, and abstain"),
    Column("kendall_w", "Float64", "top_features: how much the runs agree on the deciding measure's order"),
    Column("among", "Int64", "top_features: k of a claim that the features are among the top k"),
    Column("splits", "Int64", "top_features: the splits of the table the test runs over (1: the report's)"),
    Column(
        "correlated",
        "string",
        "top_features: features correlated with a named one, which share its importance",
    ),
    Column(
        "loss",
        "string",
        "volatility, overfitting: the loss read, `penalised` (with its penalty) or `data` (cross-entropy)",
    ),
    Column("spike_height", "Float64", "volatility (spikes): the rise from one batch to the next that counts"),
    Column(
        "train_loss_ratio",
        "Float64",
        "overfitting: the training loss at the end over its value at the lowest stretch",
    ),
    Column("note", "string", "why a number does not exist, or why the rule could not decide"),
    Column("evidence", "string", "the fields above in a sentence (rendered from them, never parsed back)"),
    Column("conditions", "string", "the settings the evidence was made with"),
    Column("rule", "string", "the rule that judged the row, with its thresholds"),
)
NAMES = tuple(column.name for column in COLUMNS)
# The verdicts at a glance (the README's block and the HTML report's landing page).
GLANCE_COLUMNS = ["id", "claim", "under", "verdict"]


def _value(value, dtype: str):
    """A field as the table stores it: None for a missing or non-finite number, plain Python otherwise."""
    if value is None:
        return None
    if dtype == "string":
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(
            f"a claims field was about to hold {number}; the rule must leave it empty and say why"
        )
    return int(round(number)) if dtype == "Int64" else number


def claims_frame(rows: Sequence[Mapping]) -> pd.DataFrame:
    """The claims table from rows of fields (missing fields empty), every column in ``COLUMNS`` order."""
    unknown = {name for row in rows for name in row} - set(NAMES)
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} are not columns of the claims table")
    data = {
        column.name: pd.array(
            [_value(row.get(column.name), column.dtype) for row in rows], dtype=column.dtype
        )
        for column in COLUMNS
    }
    return pd.DataFrame(data, columns=list(NAMES))
