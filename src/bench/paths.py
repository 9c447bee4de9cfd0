"""Every file the package needs besides its code, found with ``importlib.resources``: the same paths
from a checkout and from an installed wheel (nothing is looked up by walking up from ``__file__``).

Example:
    >>> RUN_NOTEBOOK.name, CARDS_DIR.name, USE_CASES.name
    ('run_cell.ipynb', 'card_files', 'use_cases.yaml')
    >>> RUN_NOTEBOOK.is_file() and (CARDS_DIR / "pima.yaml").is_file() and USE_CASES.is_file()
    True
    >>> sorted(path.name for path in REPORT_TEMPLATES.glob("*.j2"))
    ['declaration.html.j2', 'report_page.html.j2', 'tables.html.j2']
"""

from __future__ import annotations

import subprocess
from importlib import resources
from pathlib import Path

PACKAGE = Path(str(resources.files("bench")))  # the package is installed unzipped (a folder), as pip does

RUN_NOTEBOOK = PACKAGE / "sweep" / "run_cell.ipynb"  # the notebook every cell executes
CARDS_DIR = PACKAGE / "datasets" / "card_files"  # the shipped dataset cards
USE_CASES = PACKAGE / "report" / "use_cases.yaml"  # the use cases the report ranks generators for
REPORT_TEMPLATES = PACKAGE / "report" / "templates"  # the Jinja2 templates of the HTML pages


def source_checkout() -> Path | None:
    """The git checkout this package runs from (its ``src/bench`` is ``PACKAGE``), or None when it runs
    from an installed wheel or git cannot tell.

    Example:
        >>> checkout = source_checkout()
        >>> checkout is None or (checkout / "src" / "bench") == PACKAGE
        True
    """
    try:
        top = subprocess.run(["git", "-C", str(PACKAGE), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(top) if (Path(top) / "src" / "bench").resolve() == PACKAGE.resolve() else None
