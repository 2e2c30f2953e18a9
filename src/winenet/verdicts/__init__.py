"""Each declared claim judged by the rule of its kind, from the run's full-precision outputs.

Verdicts: "holds" (the evidence supports the claim beyond its uncertainty), "does not hold" (it
supports the contrary) and "undecided" (neither, at the required confidence: a valid answer).
Every rule is stated in docs/claims.md with its test, its margin and its measured error rates, and
in the ``rule`` column of each row. Nothing here reads a rounded table: the inputs are the
per-seed, per-fold and per-run outputs themselves. The verdicts are data: every number a verdict
rests on is a field of its row (``columns``), and the evidence sentence is rendered from those
fields by one renderer (``render``). One module per source of evidence (``seeds``, ``folds``,
``study``, ``normalisation``), the settings in words (``text``), and ``settle``, which judges
every statement and corrects the rows of each statement together. This file imports nothing, so
that a job reading one module (the columns of the table) does not load every rule.
"""
