"""Each declared claim judged by the rule of its kind, from the run's full-precision outputs.

Verdicts: "holds" (the evidence supports the claim beyond its uncertainty), "does not hold" (it
supports the contrary) and "undecided" (neither, at the required confidence: a valid answer).
Every rule is stated in docs/claims.md with its test, its margin and its measured error rates, and
in the ``rule`` column of each row. Nothing here reads a rounded table: the inputs are the
per-seed, per-fold and per-run outputs themselves. One module per source of evidence (``seeds``,
``folds``, ``study``, ``normalisation``), the text helpers (``text``), and ``settle``, which judges
every statement and corrects the rows of each statement together.
"""

from winenet.verdicts.evidence import VERDICTS, Evidence, Judgement, SeedCurves, seed_curves
from winenet.verdicts.settle import COLUMNS, GLANCE_COLUMNS, JUDGES, judge_claims, settle

__all__ = [
    "COLUMNS",
    "GLANCE_COLUMNS",
    "JUDGES",
    "VERDICTS",
    "Evidence",
    "Judgement",
    "SeedCurves",
    "judge_claims",
    "seed_curves",
    "settle",
]
