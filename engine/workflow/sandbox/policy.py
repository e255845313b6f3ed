"""What BPMN scripts may do: the compile-time policy, and the builtins and guards it runs with.

``SandboxPolicy`` is RestrictedPython's transformer made stricter (no imports,
classes, ``format`` or escape-prone builtins) and rewritten so every loop
iteration and function call ticks a step budget (``sandbox.budget``), and
every operator or string method that can build a huge value first checks the
size it would build (``sandbox.sizes``). ``sandbox.script_engine`` runs the
compiled code with ``SAFE_BUILTINS`` and ``GUARDS``.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import types
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, NamedTuple, cast

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
    IOPERATOR_TO_STR,
    RestrictingNodeTransformer,
)

from engine.workflow.sandbox.budget import guarded_range, refuse
from engine.workflow.sandbox.sizes import (
    Splat,
    guard_growing_method,
    guarded_add,
    guarded_ascii,
    guarded_augitem,
    guarded_format,
    guarded_inplacevar,
    guarded_lshift,
    guarded_mod,
    guarded_mul,
    guarded_pow,
    guarded_repr,
    guarded_str,
    guarded_sum,
    guarded_write,
    spread,
)

__all__ = [
    "FORBIDDEN_CALLS",
    "GUARDS",
    "SAFE_BUILTINS",
    "SCRIPT_FILENAME",
    "Compiled",
    "SandboxPolicy",
    "check_script",
    "compile_script",
]

SCRIPT_FILENAME = "<bpmn script>"

# Calling these could open files, run new code or reach object internals.
FORBIDDEN_CALLS = frozenset({
    "open", "compile", "type", "vars", "globals", "locals", "dir", "input", "breakpoint",
    "help", "exit", "quit", "memoryview", "object", "super", "iter", "setattr", "delattr",
    "hasattr", "classmethod", "staticmethod", "property",
})
# format() walks attributes inside the format string; mro() reaches the class tree.
REFUSED_ATTRIBUTES = frozenset({"format", "format_map", "mro"}) | INSPECT_ATTRIBUTES
_GROWING_OPS: dict[type[ast.operator], str] = {
    ast.Add: "_add_", ast.Mult: "_mul_", ast.Mod: "_mod_", ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
}


def _call(name: str, *args: ast.expr, like: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, like))


def _splats(elements: list[ast.expr], *, like: ast.AST) -> ast.List:
    """The parts of a display or call, each starred part marked by ``_splat_``."""
    parts = [_call("_splat_", e.value, like=e) if isinstance(e, ast.Starred) else e
             for e in elements]
    return ast.fix_missing_locations(ast.copy_location(ast.List(parts, ast.Load()), like))


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's rules, stricter, with budget ticks and size guards woven in."""

    def _tick(self, like: ast.AST) -> ast.stmt:
        return ast.copy_location(ast.Expr(_call("_tick_", like=like)), like)

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "imports are not allowed; scripts get their helpers without them")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "imports are not allowed; scripts get their helpers without them")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed in scripts")
        return self.node_contents_visit(node)

    def visit_Call(self, node: ast.Call) -> Any:
        func, args = node.func, node.args
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
            self.error(node, f"{func.id}() is not available in scripts")
        elif (isinstance(func, ast.Name) and func.id == "getattr" and len(args) > 1
              and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str)
              and args[1].value.startswith("_")):
            self.error(node, f"the attribute {args[1].value!r} is private (it starts with '_')")
        node = cast(ast.Call, super().visit_Call(node))
        if any(isinstance(arg, ast.Starred) for arg in node.args):  # f(*rows, *rows), likewise
            spread = _call("_spread_", ast.Constant("tuple"), _splats(node.args, like=node),
                           like=node)
            node.args = [ast.copy_location(ast.Starred(spread, ast.Load()), node)]
        return node

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in ("format", "format_map"):
            self.error(node, f".{node.attr}() is not allowed (it can read private "
                             "attributes); use an f-string instead")
        elif node.attr == "mro":
            self.error(node, "mro() is not allowed in scripts")
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = _GROWING_OPS.get(type(node.op))
        return node if guard is None else _call(guard, node.left, node.right, like=node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        # RestrictedPython refuses `totals[k] += 1`; route it through a guarded helper.
        target = node.target
        if isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Slice):
            op = ast.Constant(IOPERATOR_TO_STR[type(node.op)])
            call = _call("_augitem_", self.visit(target.value), self.visit(target.slice), op,
                         self.visit(node.value), like=node)
            return ast.copy_location(ast.Expr(call), node)
        return super().visit_AugAssign(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        # f"{x:>{n}}" could pad to gigabytes, f"{rows}" spell out a list shared a million
        # times: format every field through a guard that checks widths and sizes first.
        node = cast(ast.FormattedValue, super().visit_FormattedValue(node))
        spec = node.format_spec or ast.Constant("")
        value = _call("_format_", node.value, ast.Constant(node.conversion), spec, like=node)
        return ast.copy_location(ast.FormattedValue(value, -1, None), node)

    def visit_List(self, node: ast.List) -> Any:
        return self._spread(cast(ast.List, self.node_contents_visit(node)), "list")

    def visit_Tuple(self, node: ast.Tuple) -> Any:
        return self._spread(cast(ast.Tuple, self.node_contents_visit(node)), "tuple")

    def visit_Set(self, node: ast.Set) -> Any:
        return self._spread(cast(ast.Set, self.node_contents_visit(node)), "set")

    def _spread(self, node: ast.List | ast.Tuple | ast.Set, kind: str) -> ast.expr:
        # [*rows, *rows] doubles in C code: build displays with a starred part through a guard.
        if isinstance(getattr(node, "ctx", ast.Load()), ast.Store) or \
                not any(isinstance(e, ast.Starred) for e in node.elts):
            return node
        return _call("_spread_", ast.Constant(kind), _splats(node.elts, like=node), like=node)

    def visit_For(self, node: ast.For) -> ast.AST:
        node = cast(ast.For, super().visit_For(node))
        node.body.insert(0, self._tick(node))
        return node

    def visit_While(self, node: ast.While) -> ast.AST:
        node = cast(ast.While, super().visit_While(node))
        node.body.insert(0, self._tick(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = cast(ast.FunctionDef, super().visit_FunctionDef(node))
        node.body.insert(0, self._tick(node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = cast(ast.Lambda, super().visit_Lambda(node))
        body = ast.BoolOp(ast.Or(), [_call("_tick_", like=node.body), node.body])
        node.body = ast.copy_location(body, node.body)  # _tick_() is None, so `or` yields body
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node = cast(ast.comprehension, super().visit_comprehension(node))
        tick = ast.UnaryOp(ast.Not(), _call("_tick_", like=node.iter))
        node.ifs.insert(0, ast.copy_location(tick, node.iter))
        return node


class Compiled(NamedTuple):
    code: types.CodeType | None
    problems: tuple[tuple[int | None, str], ...]
    refused: bool  # False when the only problem is a syntax error


_ERROR_LINE = re.compile(r"Line (\d+|None): (.*)", re.S)


def _syntax_problem(err: Exception) -> tuple[int | None, str]:
    return getattr(err, "lineno", None), f"syntax error: {getattr(err, 'msg', None) or err}"


def _policy_problem(text: str) -> tuple[int | None, str]:
    match = _ERROR_LINE.match(text)
    if match is None:
        return None, text
    line = match.group(1)
    return (int(line) if line.isdigit() else None), match.group(2).rstrip(".")


@lru_cache(maxsize=4096)
def compile_script(source: str, mode: Literal["exec", "eval"] = "exec") -> Compiled:
    """Compile a script under the sandbox policy, caching by source and mode."""
    try:
        tree = cast(ast.Module | ast.Expression, ast.parse(source, SCRIPT_FILENAME, mode))
        compile_ = compile_restricted_exec if mode == "exec" else compile_restricted_eval
        # compile() itself finds some errors, e.g. `return` outside a function.
        result = compile_(tree, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    except (SyntaxError, ValueError, Warning) as err:  # ValueError: NUL bytes
        return Compiled(None, (_syntax_problem(err),), refused=False)
    problems = tuple(dict.fromkeys(_policy_problem(e) for e in result.errors))
    return Compiled(None if problems else result.code, problems, refused=bool(problems))


def check_script(source: str, *,
                 mode: Literal["exec", "eval"] = "exec") -> list[tuple[int | None, str]]:
    """Return (line, plain-language reason) for all the sandbox would refuse, syntax errors too."""
    return sorted(compile_script(source, mode).problems, key=lambda p: (p[0] or 0, p[1]))


def guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    if type(name) is not str:
        raise TypeError("an attribute name must be a string")
    if name.startswith("_"):
        refuse(f"the attribute {name!r} is private (it starts with '_')")
    if name in REFUSED_ATTRIBUTES:
        refuse(f"the attribute {name!r} is not allowed in scripts")
    return guard_growing_method(obj, name, getattr(obj, name, *default))


# C code such as date.today() and datetime.strptime() imports these through the
# calling frame's __builtins__; scripts cannot name __import__ themselves.
_C_IMPORTS = frozenset({"time", "_strptime"})


def _import_for_c_code(name: str, globals: Any = None, locals: Any = None,
                       fromlist: Any = (), level: int = 0) -> Any:
    if name in _C_IMPORTS and level == 0:
        return __import__(name, globals, locals, fromlist, level)
    refuse(f"importing {name!r} is not allowed")


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class _NoPrint:
    """Swallow print(): scripts have no console, and a log could be flooded."""

    def __init__(self, _getattr_: object = None) -> None:
        pass

    def _call_print(self, *objects: object, **kwargs: object) -> None:
        pass

    def __call__(self) -> str:
        return ""


_MATH = types.SimpleNamespace(**{name: getattr(math, name) for name in (
    "ceil", "floor", "trunc", "sqrt", "exp", "log", "log2", "log10", "fabs", "fsum", "isclose",
    "isfinite", "isinf", "isnan", "gcd", "pi", "e", "inf", "nan")})

_UNSAFE_DEFAULTS = {"__build_class__", "_getattr_", "setattr", "delattr", "pow", "range",
                    "BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"}
SAFE_BUILTINS: dict[str, Any] = {
    **{k: v for k, v in safe_builtins.items() if k not in _UNSAFE_DEFAULTS},
    "len": len, "min": min, "max": max, "sorted": sorted, "enumerate": enumerate,
    "zip": zip, "dict": dict, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset,
    "int": int, "float": float, "bool": bool, "abs": abs, "round": round,
    "any": any, "all": all, "isinstance": isinstance, "reversed": reversed, "map": map,
    "filter": filter, "range": guarded_range, "pow": guarded_pow, "getattr": guarded_getattr,
    "str": guarded_str, "repr": guarded_repr, "ascii": guarded_ascii, "sum": guarded_sum,
    "datetime": datetime, "date": date, "timedelta": timedelta, "math": _MATH,
}
GUARDS: dict[str, Any] = {
    "_getattr_": guarded_getattr, "_getitem_": operator.getitem, "_getiter_": iter,
    "_write_": guarded_write, "_inplacevar_": guarded_inplacevar,
    "_augitem_": guarded_augitem, "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_apply_": _apply,
    "_spread_": spread, "_splat_": Splat,
    "_print_": _NoPrint, "_print": _NoPrint(), "_format_": guarded_format,
    "_add_": guarded_add, "_mul_": guarded_mul, "_mod_": guarded_mod, "_pow_": guarded_pow,
    "_lshift_": guarded_lshift, "__import__": _import_for_c_code,
}
