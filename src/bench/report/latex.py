"""LaTeX booktabs table fragments (a ``tabular`` to ``\\input`` inside the author's ``table`` float).

Needs ``\\usepackage{booktabs}`` in the paper's preamble; nothing else.
"""

from __future__ import annotations

import pandas as pd

SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
           "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
ARROWS = {"↑": r"$\uparrow$", "↓": r"$\downarrow$", "→": r"$\rightarrow$"}


def escape(text: object) -> str:
    """``text`` with LaTeX's special characters escaped and the report's arrows as math symbols.

    Example:
        >>> escape("ctgan[epochs=100]_x & 5% ↑")
        'ctgan[epochs=100]\\\\_x \\\\& 5\\\\% $\\\\uparrow$'
    """
    out = "".join(SPECIAL.get(char, char) for char in str(text))
    for arrow, symbol in ARROWS.items():
        out = out.replace(arrow, symbol)
    return out


def tabular(table: pd.DataFrame, comment: str = "", footer: int = 0) -> str:
    """A booktabs ``tabular`` of a table whose cells are already LaTeX (see ``report.comparison_table``):
    the index is the first, left-aligned column; the header cells are escaped; the last ``footer`` rows
    (a summary such as the best's advantage over the runner-up) follow a second ``\\midrule``.

    Example:
        >>> frame = pd.DataFrame({"pima": [r"\\textbf{0.9}"]}, index=pd.Index(["copy"], name="generator"))
        >>> print(tabular(frame))
        \\begin{tabular}{lr}
        \\toprule
        generator & pima \\\\
        \\midrule
        copy & \\textbf{0.9} \\\\
        \\bottomrule
        \\end{tabular}
        >>> with_footer = pd.DataFrame({"pima": ["0.9", "+0.1"]}, index=pd.Index(["copy", "best"], name="generator"))
        >>> print(tabular(with_footer, footer=1))
        \\begin{tabular}{lr}
        \\toprule
        generator & pima \\\\
        \\midrule
        copy & 0.9 \\\\
        \\midrule
        best & +0.1 \\\\
        \\bottomrule
        \\end{tabular}
    """
    lines = [f"% {line}" for line in comment.splitlines()]
    lines += [r"\begin{tabular}{l" + "r" * len(table.columns) + "}", r"\toprule",
              " & ".join(escape(h) for h in [table.index.name or "", *table.columns]) + r" \\", r"\midrule"]
    rows = [" & ".join([escape(index), *map(str, row)]) + r" \\"
            for index, row in zip(table.index, table.itertuples(index=False))]
    split = len(rows) - footer if 0 < footer < len(rows) else len(rows)
    lines += rows[:split] + ([r"\midrule"] if split < len(rows) else []) + rows[split:]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


__all__ = ["escape", "tabular"]
