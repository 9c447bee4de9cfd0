"""The sweep layer: a benchmark file into cells (``config``, ``selection``), cells run as Papermill
notebooks in isolated kernels (``runner``, ``executors``, ``notebook_job``, ``kernels/``), and what a
cell does inside its kernel (``cell``, ``outbox``, the notebook ``run_cell.ipynb``)."""
