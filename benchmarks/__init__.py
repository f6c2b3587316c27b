"""presend's benchmarks: a labeled synthetic corpus, accuracy and speed comparisons."""
