"""The report layer: tables, figures, rankings and ``report.html`` from the runs table, and the
declaration of one cell. ``build`` is the one orchestrator; ``sections`` is the one list of what the
report holds; ``figures/`` has one module per figure; ``summary`` and ``tables`` hold the numbers.
"""
