"""The task-data names a script or expression reads and writes, from its syntax tree (nothing is run)."""

from __future__ import annotations

import ast
import builtins
import keyword

from engine.workflow import scripts

# Names every text may use without task data providing them: the allow-listed globals and builtins
# (and Python's other builtins, which the script policy refuses on its own terms).
GIVEN = frozenset(scripts.helpers()) | frozenset(scripts.SAFE_BUILTINS) | frozenset(dir(builtins)) | frozenset(
    keyword.kwlist)


def parsed(code: str, mode: str) -> ast.AST | None:
    """The syntax tree of a text, or None when it does not parse (lint reports that as an error)."""
    try:
        return ast.parse(code.strip() or "None", mode=mode)
    except (SyntaxError, ValueError):
        return None


def writes(code: str) -> set[str]:
    """Top-level names a script assigns (they stay in task data unless deleted again)."""
    tree = parsed(code, "exec")
    if tree is None:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and not _inside_scope(tree, node):
            found.add(node.id)
    return found


def reads(code: str, mode: str) -> set[str]:
    """Names a text loads that neither it binds first nor the script environment gives.

    Order inside a script is not followed: a name the script assigns anywhere counts as its own.
    """
    tree = parsed(code, mode)
    if tree is None:
        return set()
    bound: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound - GIVEN


def _inside_scope(tree: ast.AST, target: ast.Name) -> bool:
    """Whether a stored name belongs to a function, lambda or comprehension (not to task data)."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp)
    return any(isinstance(node, scopes) and any(child is target for child in ast.walk(node))
               for node in ast.walk(tree))


def subscripts(code: str, mode: str) -> set[tuple[str, str]]:
    """(name, key) for each `name['key']` and `name.get('key')` in a text: keys read from a record."""
    tree = parsed(code, mode)
    if tree is None:
        return set()
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            found.add((node.value.id, node.slice.value))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and isinstance(node.func.value, ast.Name) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            found.add((node.func.value.id, node.args[0].value))
    return found
