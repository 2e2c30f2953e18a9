"""Development support of the benchmarks: the verdict rules run on synthetic and resampled evidence."""
