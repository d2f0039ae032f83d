"""`make bench`: scale and speed figures, each a ratio against a baseline measured in the same
run, written to benchmarks/results.md. Not tests: nothing here asserts a timing."""
