"""Card expressions (``derive``, ``cleaning``, ``rules``): the forms a card may use, checked when it is read.

Cards are read by ``pandas.DataFrame.eval`` (python engine). Only the forms of ``ALLOWED_FORMS`` are
accepted, so a card with a method call or a misspelt column fails when it is read, with a message
naming the expression, what is not allowed and what to write instead, not later when a table is.
``datasets/README.md`` ('Expressions') documents the same list.
"""

from __future__ import annotations

import ast
from typing import Any

from bench.errors import BenchError, did_you_mean

# What ``DataFrame.eval(expression, engine="python")`` reads in a card's derive, cleaning and rules.
EVAL_FUNCTIONS = ("abs", "sqrt", "exp", "log", "log10", "log1p", "expm1", "floor", "ceil", "sin", "cos", "sinh",
                  "cosh", "tanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "arctan2")
ALLOWED_FORMS = ("column names, numbers, 'quoted text', True/False; arithmetic + - * / // % ** and a leading -; "
                 "comparisons == != < <= > >= (chained too: 0 <= x <= 10) and `in [...]` / `not in [...]` with a "
                 "list of constants; & | ~ and and / or / not; parentheses; the functions "
                 + ", ".join(EVAL_FUNCTIONS) + " (datasets/README.md, 'Expressions')")
_REFUSED_OPERATORS = {ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@"}
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
_FORMS = {ast.Subscript: "indexing ('[...]')", ast.IfExp: "a conditional ('a if c else b')",
          ast.Lambda: "a lambda", ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
          ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.Dict: "a dict",
          ast.Set: "a set ('{...}')", ast.NamedExpr: "an assignment (':=')", ast.JoinedStr: "an f-string",
          ast.Starred: "'*'", ast.Await: "'await'"}
_FUNCTION_HINTS = {
    "round": "round is not available: floor(x + 0.5) rounds half up",
    "int": "no conversion is needed: a true/false result is stored as 0/1, and floor(x) gives whole numbers",
    "float": "no conversion is needed: numbers are read as numbers",
    "bool": "no conversion is needed: write the comparison itself (x > 0)",
    "max": "there is no element-wise max: write the comparison instead (a rule 'x <= 10 and y <= 10')",
    "min": "there is no element-wise min: write the comparison instead (a rule 'x >= 0 and y >= 0')",
    "isnull": "missing values need no test: a rule is judged only on rows where its columns are observed",
    "isna": "missing values need no test: a rule is judged only on rows where its columns are observed",
    "notnull": "missing values need no test: a rule is judged only on rows where its columns are observed",
}


def expression_columns(expression: str) -> list[str]:
    """The names an expression reads as columns (functions it calls left out), in order of first use.

    Example:
        >>> expression_columns("abs(x) < 10 and y in [1, 2] and x > z")
        ['x', 'y', 'z']
    """
    tree = ast.parse(expression, mode="eval")
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called]
    return list(dict.fromkeys(node.id for node in sorted(names, key=lambda n: (n.lineno, n.col_offset))))


def unsupported_form(expression: str) -> tuple[str, str] | None:
    """``(what, hint)`` for the first part of a Python-syntax expression that a card may not use, else ``None``.

    Card expressions are read by ``DataFrame.eval`` (python engine); only the forms of
    ``ALLOWED_FORMS`` are accepted, so that a card fails when it is read, not when a table is.

    Example:
        >>> unsupported_form("age >= 18 and sex in ['F', 'M'] and abs(bmi - 25) < 20") is None
        True
        >>> unsupported_form("(num > 0).astype(int)")
        ("a method call ('.astype(...)')", "write 'num > 0' alone")
    """
    return _unsupported(ast.parse(expression, mode="eval").body)


def _unsupported(node: ast.AST, in_list: bool = False) -> tuple[str, str] | None:
    """The first unsupported form in ``node`` (see ``unsupported_form``), depth first."""
    if isinstance(node, ast.Name):
        return None
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (bool, int, float, str)):
            return None
        hint = ("missing values need no test: a rule is judged only on rows where its columns are observed"
                if node.value is None else "")
        return f"the constant {node.value!r}", hint
    if isinstance(node, (ast.List, ast.Tuple)):
        if not in_list:
            return "a list outside 'in [...]' / 'not in [...]'", ""
        for item in node.elts:
            if not (isinstance(item, ast.Constant) or (isinstance(item, ast.UnaryOp) and isinstance(
                    item.op, ast.USub) and isinstance(item.operand, ast.Constant))):
                return f"the list item '{ast.unparse(item)}'", "a list after 'in' holds constants only"
        return _first(*node.elts)
    if isinstance(node, ast.BinOp):
        if type(node.op) in _REFUSED_OPERATORS:
            return f"the operator '{_REFUSED_OPERATORS[type(node.op)]}'", ""
        return _first(node.left, node.right)
    if isinstance(node, ast.UnaryOp):
        return _unsupported(node.operand)
    if isinstance(node, ast.BoolOp):
        return _first(*node.values)
    if isinstance(node, ast.Compare):
        for op in node.ops:
            if not isinstance(op, _COMPARISONS):
                return (f"the comparison '{'is not' if isinstance(op, ast.IsNot) else 'is'}'",
                        "write == or != (missing values need no test: a rule is judged only on rows "
                        "where its columns are observed)")
        return _first(node.left, *node.comparators, in_list=True)
    if isinstance(node, ast.Call):
        return _unsupported_call(node)
    if isinstance(node, ast.Attribute):
        return f"attribute access ('.{node.attr}')", "name a column directly"
    return _FORMS.get(type(node), f"a {type(node).__name__} expression"), ""


def _first(*nodes: ast.AST, in_list: bool = False) -> tuple[str, str] | None:
    """The first unsupported form among ``nodes``."""
    for node in nodes:
        found = _unsupported(node, in_list=in_list)
        if found:
            return found
    return None


def _unsupported_call(node: ast.Call) -> tuple[str, str] | None:
    """A call is allowed only of a function of ``EVAL_FUNCTIONS`` by name, with positional arguments."""
    func = node.func
    if isinstance(func, ast.Attribute):
        receiver = ast.unparse(func.value)
        if func.attr in ("astype", "as_type") and isinstance(func.value, (ast.Compare, ast.BoolOp, ast.UnaryOp)):
            hint = f"write '{receiver}' alone"
        elif func.attr in EVAL_FUNCTIONS:
            hint = f"write {func.attr}({receiver})"
        else:
            hint = _FUNCTION_HINTS.get(func.attr, "")
        return f"a method call ('.{func.attr}(...)')", hint
    if not isinstance(func, ast.Name):
        return f"a call of '{ast.unparse(func)}'", ""
    if func.id not in EVAL_FUNCTIONS:
        return f"the function '{func.id}', which DataFrame.eval does not provide", _FUNCTION_HINTS.get(func.id, "")
    if node.keywords:
        return f"keyword arguments in {func.id}(...)", "pass arguments by position"
    return _first(*node.args)


def check_expression(where: str, key: str, expression: Any, known: Any = None) -> str:
    """An expression (derive, cleaning, rules) must parse, use only ``ALLOWED_FORMS`` and, with ``known``, known
    columns.

    Example:
        >>> check_expression("c.yaml", "rules[0]", "totchol > 100", {"age", "totChol"})
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: c.yaml: rules[0] 'totchol > 100' uses unknown column 'totchol': not among the card's columns; did you mean 'totChol'? (choices: age, totChol)
    """  # noqa: E501 - a doctest's expected output, kept whole
    if not isinstance(expression, str) or not expression.strip():
        raise BenchError(f"{where}: {key} must be a non-empty expression string, got {expression!r}")
    try:
        ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise BenchError(f"{where}: {key} does not parse: '{expression}' ({exc.msg}); a card expression is "
                         f"Python syntax: {ALLOWED_FORMS}") from exc
    found = unsupported_form(expression)
    if found:
        what, hint = found
        if what.startswith("a method call ('.astype") and hint:
            hint += (f": a true/false result is stored as 0/1, so declare {key.split('.', 1)[1]} as "
                     f"{{type: categorical, values: [0, 1]}}" if key.startswith("derive.") else
                     ": a comparison is true or false by itself")
        raise BenchError(f"{where}: {key} '{expression}' uses {what}, which a card expression cannot contain"
                         f"{': ' + hint if hint else ''}. Allowed: {ALLOWED_FORMS}")
    if known is not None:
        unknown = [name for name in expression_columns(expression) if name not in known]
        if unknown:
            named = "; ".join(f"'{name}': not among the card's columns; {did_you_mean(name, sorted(known))}"
                              for name in unknown)
            raise BenchError(f"{where}: {key} '{expression}' uses unknown column{'s' if len(unknown) > 1 else ''} "
                             f"{named}")
    return expression


__all__ = ["ALLOWED_FORMS", "EVAL_FUNCTIONS", "check_expression", "expression_columns", "unsupported_form"]
