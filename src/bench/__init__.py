"""health-synth-bench: how faithful, useful, fair, private and costly synthetic health data is.

The map of the package. Imports point one way, down this list (``tests/unit/test_layers.py`` fails
on an import cycle or an import from a lower layer to a higher one; ``docs/architecture.md`` says
more):

=============  ======================================================================================
layer          what lives there
=============  ======================================================================================
foundation     ``errors`` (the one error type), ``paths`` (the package's own files, found with
               importlib.resources), ``yaml_files``, ``plotting/`` (figure style, generator colours)
data           ``datasets/``: dataset cards (``card_files/``), loaders, the offline mirror and cache,
               splits, subgroups, your own tables
synthesis,     ``generators/``: the generator contract, registry and plugins;
scoring        ``metrics/``: the scorecards (fidelity, utility, fairness, privacy) and cost measurement
store          ``tracking/``: the only MLflow importer; ``writes`` (sweeps, cells), ``reads`` (report)
sweep          ``sweep/``: benchmark files into cells, cells run as Papermill notebooks
               (``run_cell.ipynb``) in isolated kernels, locally or on Ray
report         ``report/``: ``build`` (the one orchestrator) runs ``sections`` (the one list of the
               report's parts, one module each in ``figures/``), ``page`` (report.html), the
               declaration of one cell
entry points   ``cli`` (``bench``), ``__main__``
=============  ======================================================================================

``sweep`` and ``report`` are siblings: neither imports the other; both read and write through
``tracking``.

Example:
    >>> import bench
    >>> bench.__version__
    '0.1.0'
"""

__version__ = "0.1.0"
