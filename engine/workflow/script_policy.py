"""The script policy: what a BPMN script or expression may say, and what one of its operations may cost.

Python has no sandbox of its own: restricted builtins do not stop `().__class__.__base__...` from
reaching a module's globals, so the policy refuses, before anything runs, the syntax that reaches
the interpreter's inside (names and attributes starting with "_", the attributes of frames, code
objects and generators, `import`, class and generator definitions, attribute assignment) and the
builtins that run or inspect code by name. It is the same check at deploy (lint) and when the
engine compiles a script to run it.

The time limit stops a script only between two Python lines, and one line can do unbounded work in
C (`sum(range(10**10))`, `"x" * 10**10`, `9 ** 10**9`) while holding the interpreter lock of the
whole process. So `range`, sequence repetition and concatenation, products, powers and shifts of
integers, `sum` and format widths are checked before they run: each step stays small, and the
time limit does the rest.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Iterable
from types import CodeType
from typing import Any

# Largest sequence (items or characters) one operation may build, and largest integer (bits).
MAX_ITEMS = 1_000_000
MAX_INT_BITS = 100_000
MAX_FORMAT_WIDTH = 1000

FORBIDDEN_NAMES = frozenset({
    "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "hasattr", "globals", "locals",
    "vars", "dir", "type", "super", "object", "breakpoint", "input", "help", "memoryview", "exit", "quit",
})
# RestrictedPython's list of introspection attributes, then string methods that build large
# results in one C call or reach attributes through format fields ("{0.__class__}").
FORBIDDEN_ATTRIBUTES = frozenset({
    "tb_frame", "tb_next", "co_code", "f_back", "f_builtins", "f_code", "f_globals", "f_locals", "f_trace",
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_await", "cr_frame", "cr_code", "cr_origin", "ag_code", "ag_frame",
    "mro", "format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs",
})
FORBIDDEN_NODES: dict[type, str] = {
    ast.Import: "import", ast.ImportFrom: "import", ast.ClassDef: "definisi kelas",
    ast.Global: "global", ast.Nonlocal: "nonlocal", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Await: "await", ast.AsyncFunctionDef: "async", ast.AsyncFor: "async", ast.AsyncWith: "async",
    ast.Match: "match",
}
_WIDTH = re.compile(r"\d+")
_GUARDED_OPS: dict[type, str] = {ast.Add: "_senapas_add", ast.Mult: "_senapas_mul", ast.Pow: "_senapas_pow",
                                 ast.LShift: "_senapas_lshift", ast.Mod: "_senapas_mod"}


class ScriptRefused(SyntaxError):
    """A script or expression the policy does not allow (a SyntaxError: it is refused before it runs)."""

    def __init__(self, reason: str, lineno: int | None) -> None:
        super().__init__(f"skrip ditolak: {reason}", ("<string>", lineno or 1, 0, ""))
        self.reason = reason


def check(source: str, mode: str) -> ast.AST:
    """The parsed script ("exec") or expression ("eval"); raise SyntaxError or ScriptRefused."""
    # eval() of a string skips leading spaces and tabs; parse() would call them an indent.
    tree = ast.parse(source.lstrip(" \t") if mode == "eval" else source, "<string>", mode)
    # In reading order, so the refusal names the first offending piece of text.
    for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "end_lineno", 0) or 0,
                                                      getattr(n, "end_col_offset", 0) or 0)):
        _check_node(node)
    return tree


def _check_node(node: ast.AST) -> None:
    line = getattr(node, "lineno", None)
    if type(node) in FORBIDDEN_NODES:
        raise ScriptRefused(f"{FORBIDDEN_NODES[type(node)]} tidak diizinkan", line)
    for name in _names(node):
        if name.startswith("_") and name != "_":
            raise ScriptRefused(f"nama '{name}' diawali garis bawah", line)
        if name in FORBIDDEN_NAMES:
            raise ScriptRefused(f"'{name}' tidak diizinkan", line)
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_") or node.attr in FORBIDDEN_ATTRIBUTES:
            raise ScriptRefused(f"atribut '{node.attr}' tidak diizinkan", line)
        if not isinstance(node.ctx, ast.Load):
            raise ScriptRefused(f"mengubah atribut '{node.attr}' tidak diizinkan", line)
    elif isinstance(node, ast.AugAssign) and type(node.op) in _GUARDED_OPS and not isinstance(node.target, ast.Name):
        raise ScriptRefused("tulis a[k] = a[k] * n, bukan a[k] *= n", line)
    elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        _check_spec(node.format_spec, line)
    elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant)
          and isinstance(node.left.value, str)):
        raise ScriptRefused("format teks dengan % tidak diizinkan; pakai f-string", line)


def _names(node: ast.AST) -> Iterable[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, (ast.FunctionDef, ast.ExceptHandler)) and node.name:
        yield node.name


def _check_spec(spec: ast.expr, line: int | None) -> None:
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    if not all(isinstance(part, ast.Constant) and isinstance(part.value, str) for part in parts):
        raise ScriptRefused("format f-string harus tetap (tanpa ekspresi di dalamnya)", line)
    _width(str("".join(str(part.value) for part in parts if isinstance(part, ast.Constant))), line)


def _width(spec: str, line: int | None = None) -> None:
    if any(int(number) > MAX_FORMAT_WIDTH for number in _WIDTH.findall(spec)):
        raise ScriptRefused(f"lebar format lebih dari {MAX_FORMAT_WIDTH}", line)


class _Bounded(ast.NodeTransformer):
    """Rewrites the operators that can do unbounded work into calls of the guards below."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        guard = _GUARDED_OPS.get(type(node.op))
        if guard is None or isinstance(node.op, ast.Add) and (_fixed(node.left) or _fixed(node.right)):
            return node
        return ast.copy_location(ast.Call(ast.Name(guard, ast.Load()), [node.left, node.right], []), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        guard = _GUARDED_OPS.get(type(node.op))
        if guard is None or not isinstance(node.target, ast.Name):
            return node
        value = ast.Call(ast.Name(guard, ast.Load()), [ast.Name(node.target.id, ast.Load()), node.value], [])
        return ast.copy_location(ast.Assign([ast.Name(node.target.id, ast.Store())], value), node)


def _fixed(node: ast.expr) -> bool:
    """A literal of fixed size: adding it grows a value by no more than the script's own text."""
    return isinstance(node, ast.Constant) or (isinstance(node, (ast.List, ast.Tuple))
                                              and not any(isinstance(e, ast.Starred) for e in node.elts))


def compile_checked(source: str, mode: str) -> CodeType:
    """Check `source` against the policy and compile it with its costly operators guarded."""
    tree = ast.fix_missing_locations(_Bounded().visit(check(source, mode)))
    code: CodeType = compile(tree, "<string>", mode)
    return code


class ScriptTooCostly(ValueError):
    """One operation of a script would build a value larger than the policy allows."""


def _items(count: int) -> None:
    if count > MAX_ITEMS:
        raise ScriptTooCostly(f"operasi skrip melebihi batas {MAX_ITEMS} elemen")


def _bits(count: int) -> None:
    if count > MAX_INT_BITS:
        raise ScriptTooCostly(f"bilangan hasil skrip melebihi batas {MAX_INT_BITS} bit")


_SEQUENCES = (str, bytes, list, tuple)


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        _items(len(a) + len(b))
    return a + b


def _mul(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        _bits(a.bit_length() + b.bit_length())
    elif isinstance(a, _SEQUENCES) and isinstance(b, int):
        _items(len(a) * b)
    elif isinstance(b, _SEQUENCES) and isinstance(a, int):
        _items(len(b) * a)
    return a * b


def _pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        _bits(a.bit_length() * b)
    return a**b


def _lshift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a:
        _bits(a.bit_length() + b)
    return a << b


def _mod(a: Any, b: Any) -> Any:
    if isinstance(a, (str, bytes)):
        raise ScriptTooCostly("format teks dengan % tidak diizinkan; pakai f-string")
    return a % b


def _range(*args: int) -> range:
    span = range(*args)
    _items(len(span))
    return span


def _sum(values: Iterable[Any], /, start: Any = 0) -> Any:
    if not isinstance(start, (int, float)):
        raise ScriptTooCostly("sum() hanya untuk angka")
    return builtins.sum(values, start)


def _format(value: Any, spec: str = "") -> str:
    _width(str(spec))
    return builtins.format(value, spec)


# The guards every compiled script calls; their names start with "_" so no script can name them.
GUARDS: dict[str, Callable[..., Any]] = {"_senapas_add": _add, "_senapas_mul": _mul, "_senapas_pow": _pow,
                                         "_senapas_lshift": _lshift, "_senapas_mod": _mod}
# Builtins replaced by bounded versions of the same name.
BOUNDED_BUILTINS: dict[str, Callable[..., Any]] = {"range": _range, "sum": _sum, "format": _format}
