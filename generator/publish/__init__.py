"""Publishing: the only writer of the output folder, and the reproducibility check."""
