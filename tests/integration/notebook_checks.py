"""Checks shared by the notebook tests: run a notebook with Papermill, read its outputs, find leaked rows.

A leaked row is a real patient's numbers printed one after the other, as a table row or a list
would print them; ``contains_a_row`` looks for exactly that in every text output.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import papermill

from bench.sweep.notebook_job import ensure_kernel
from conftest import REPO

NOTEBOOKS = REPO / "notebooks"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|NaN|nan|<NA>")


def execute(notebook: Path, output: Path, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    """Run ``notebook`` top to bottom with Papermill in the suite's kernel and return the executed copy."""
    papermill.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=ensure_kernel(),
                               progress_bar=False, cwd=str(notebook.parent))
    return nbformat.read(output, as_version=4)


def tagged_output(notebook: nbformat.NotebookNode, tag: str) -> Any:
    """The value shown by the code cell tagged ``tag``: its ``text/plain`` result read as a Python literal."""
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    results = [o for o in cells[0].get("outputs", []) if o.get("output_type") == "execute_result"]
    assert results, f"the cell tagged {tag!r} shows no result"
    return ast.literal_eval(results[-1]["data"]["text/plain"])


def numeric_tokens(text: str) -> np.ndarray:
    """Numbers in a text, in order; NaN-like tokens become NaN. HTML tags are removed first."""
    text = re.sub(r"<[^>]+>", " ", text)
    return np.array([np.nan if t in ("NaN", "nan", "<NA>") else float(t) for t in NUMBER.findall(text)])


def row_signatures(frame: pd.DataFrame) -> np.ndarray:
    """The numeric values of every row, in column order (text columns left out, as a printout's numbers)."""
    return frame.select_dtypes("number").to_numpy(dtype=float)


def contains_a_row(text: str, rows: np.ndarray) -> bool:
    """True if the numbers of any row appear consecutively in the text (as a printed row would)."""
    tokens = numeric_tokens(text)
    width = rows.shape[1]
    if len(tokens) < width:
        return False
    windows = np.lib.stride_tricks.sliding_window_view(tokens, width)
    for row in rows:
        close = np.isclose(windows, row, rtol=1e-4, atol=1e-6, equal_nan=True).all(axis=1)
        if close.any():
            return True
    return False


def output_texts(notebook: nbformat.NotebookNode) -> list[str]:
    """Every text a reader sees in the outputs: streams, tracebacks, plain, HTML and Markdown results."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            elif output.get("output_type") == "error":
                texts.append("\n".join(output.get("traceback", [])))
            data = output.get("data", {})
            texts += [data[m] for m in ("text/plain", "text/html", "text/markdown") if m in data]
    return texts


def leaked_rows(notebook: nbformat.NotebookNode, frame: pd.DataFrame) -> list[str]:
    """The start of every output text that prints a row of ``frame``."""
    rows = row_signatures(frame)
    return [text[:200] for text in output_texts(notebook) if contains_a_row(text, rows)]


def errors(notebook: nbformat.NotebookNode) -> list[str]:
    """The error outputs of an executed notebook (empty when every cell ran)."""
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in notebook.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def images(notebook: nbformat.NotebookNode) -> int:
    """How many PNG figures the executed notebook shows."""
    return sum("image/png" in o.get("data", {}) for c in notebook.cells if c.cell_type == "code"
               for o in c.get("outputs", []))
