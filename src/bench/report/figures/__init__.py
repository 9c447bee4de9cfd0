"""One module per report figure; each also writes the table behind its figure. Declared in
``bench.report.sections``."""
