"""The errors a user can act on: each one's str() is one line saying what happened and what to do."""

from __future__ import annotations

from pathlib import Path


class WinenetError(Exception):
    """A failure the user can fix (bad data, a diverged training, a broken file), not a bug."""

    def act(self) -> None:
        """Whatever the job can do about it before it stops; nothing by default."""


class BrokenIntermediate(WinenetError):
    """A file the pipeline wrote earlier cannot be read: truncated, overwritten or half-copied."""

    def __init__(self, path, reason: str):
        self.path = Path(path)
        self.reason = reason
        self.removed = False
        super().__init__(str(path))

    def act(self) -> None:
        """Delete the broken file if the pipeline made it (under results/): the next run rebuilds it."""
        try:
            inside = self.path.resolve().is_relative_to(Path("results").resolve())
        except OSError:
            inside = False
        if inside and self.path.is_file():
            self.path.unlink()
            self.removed = True

    def __str__(self) -> str:
        if self.removed:
            remedy = "removed it: run the same snakemake command again and it is rebuilt"
        elif not self.path.exists():
            remedy = "it is gone now: run the same snakemake command again and it is rebuilt"
        else:
            remedy = f"delete it, or rerun with `--forcerun {self.path}`, and run again"
        return f"{self.path} cannot be read ({self.reason}); {remedy}"
