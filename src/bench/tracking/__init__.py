"""The store layer, the only importer of MLflow: ``store`` (the store's address, its tags and client),
``writes`` (what sweeps and cells log) and ``reads`` (what the report and a resumed sweep read back).
"""
