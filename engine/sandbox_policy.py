"""What BPMN scripts may do: the compile-time policy and the run-time guards.

``SandboxPolicy`` is RestrictedPython's transformer made stricter (no imports,
classes, ``format`` or escape-prone builtins) and rewritten so every loop
iteration and function call ticks a step budget, and every operator or string
method that can build a huge value first checks the size it would build.
``engine.sandbox`` runs the compiled code with ``SAFE_BUILTINS`` and ``GUARDS``.
"""

from __future__ import annotations

import ast
import itertools
import math
import operator
import re
import time
import types
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, NamedTuple, NoReturn, cast

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
    IOPERATOR_TO_STR,
    RestrictingNodeTransformer,
)

from engine.errors import ScriptBudgetExceeded, ScriptError, ScriptRefused

__all__ = [
    "FORBIDDEN_CALLS",
    "GUARDS",
    "MAX_ITEMS",
    "SAFE_BUILTINS",
    "SCRIPT_FILENAME",
    "Budget",
    "Compiled",
    "LongRange",
    "SandboxPolicy",
    "check_script",
    "compile_script",
    "current_budget",
]

SCRIPT_FILENAME = "<bpmn script>"
MAX_ITEMS = 1_000_000    # longest string or list one operation may build
MAX_INT_BITS = 100_000   # largest integer one operation may build (about 30,000 digits)
CHECK_EVERY = 16         # ticks between clock readings: reading the clock costs more than a tick
RANGE_CHUNK = 4096       # longer ranges charge the budget as C code iterates them

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
        return super().visit_Call(node)

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
        # f"{x:>{n}}" could pad to gigabytes: format through a guard that checks the widths.
        node = cast(ast.FormattedValue, super().visit_FormattedValue(node))
        if node.format_spec is None:
            return node
        value = _call("_format_", node.value, ast.Constant(node.conversion), node.format_spec,
                      like=node)
        return ast.copy_location(ast.FormattedValue(value, -1, None), node)

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


class Budget:
    """Steps and wall time one script run may use; once exceeded, every tick fails."""

    __slots__ = ("deadline", "failure", "next_check", "step_budget", "steps", "time_budget")

    def __init__(self, step_budget: int, time_budget: float) -> None:
        self.steps = 0
        self.step_budget = step_budget
        self.time_budget = time_budget
        self.deadline = time.monotonic() + time_budget
        self.next_check = min(CHECK_EVERY, step_budget + 1)
        self.failure: ScriptError | None = None

    def tick(self) -> None:
        self.steps += 1
        if self.steps >= self.next_check:
            self.check()

    def charge(self, steps: int) -> None:
        self.steps += steps
        if self.steps >= self.next_check:
            self.check()

    def check(self) -> None:
        if self.failure is not None:
            raise type(self.failure)(self.failure.message)
        if self.steps > self.step_budget:
            self.fail(ScriptBudgetExceeded(
                f"the script took more than {self.step_budget:,} steps (loop rounds and calls)"))
        if time.monotonic() > self.deadline:
            self.fail(ScriptBudgetExceeded(f"the script ran longer than {self.time_budget:g} s"))
        self.next_check = min(self.steps + CHECK_EVERY, self.step_budget + 1)

    def fail(self, error: ScriptError) -> NoReturn:
        # Sticky: a script that catches the error still fails at its next tick and at the end.
        if self.failure is None:
            self.failure = error
        self.next_check = 0
        raise error


current_budget: ContextVar[Budget | None] = ContextVar("liaison_script_budget", default=None)


def _fail(error: ScriptError) -> NoReturn:
    budget = current_budget.get()
    if budget is not None:
        budget.fail(error)
    raise error


def _refuse(reason: str) -> NoReturn:
    _fail(ScriptRefused(reason))


def _check_items(count: int) -> None:
    if count > MAX_ITEMS:
        _fail(ScriptBudgetExceeded(
            f"the result would hold {count:,} items or characters; the limit is {MAX_ITEMS:,}"))


def _check_bits(bits: float) -> None:
    if bits > MAX_INT_BITS:
        _fail(ScriptBudgetExceeded(f"the number would have about {int(bits * 0.30103):,} "
                                   f"digits; the limit is {MAX_INT_BITS * 3 // 10:,}"))


_SIZED = (str, bytes, list, tuple)


def _weight(seq: Any) -> int:
    """Count a sequence's items plus the length of the strings and lists inside it."""
    if isinstance(seq, (str, bytes)):
        return len(seq)
    return len(seq) + sum(len(item) for item in seq if isinstance(item, _SIZED))


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SIZED) and isinstance(b, _SIZED):
        _check_items(len(a) + len(b))


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        if a and b:
            _check_bits(a.bit_length() + b.bit_length())
    elif isinstance(b, int) and isinstance(a, _SIZED) and b > 1:
        _check_items(_weight(a) * b)
    elif isinstance(a, int) and isinstance(b, _SIZED) and a > 1:
        _check_items(_weight(b) * a)


def _check_pow(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        _check_bits(math.log2(abs(a)) * b)


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and a and b > 0:
        _check_bits(a.bit_length() + b)


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


def _check_width(digits: str) -> None:
    _check_items(MAX_ITEMS + 1 if len(digits) > 9 else int(digits))


def _check_mod(a: Any, b: Any) -> None:
    # '%10000000000d' % 1 pads in C: check printf widths and precisions first.
    if not isinstance(a, (str, bytes)):
        return
    fields = _PRINTF_FIELD.findall(a if isinstance(a, str) else a.decode("latin-1"))
    numbers = [n for field in fields for n in field if n]
    for n in numbers:
        if n != "*":
            _check_width(n)
    if "*" in numbers:
        for arg in b if isinstance(b, tuple) else (b,):
            if isinstance(arg, int):
                _check_items(abs(arg))


def _guarded(check: Callable[[Any, Any], None],
             op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def guarded(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)
    return guarded


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": _guarded(_check_add, operator.iadd), "-=": operator.isub,
    "*=": _guarded(_check_mul, operator.imul), "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": _guarded(_check_mod, operator.imod),
    "**=": _guarded(_check_pow, operator.ipow), "<<=": _guarded(_check_lshift, operator.ilshift),
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def guarded_inplacevar(op: str, target: Any, value: Any) -> Any:
    return _INPLACE[op](target, value)


def guarded_augitem(container: Any, key: Any, op: str, value: Any) -> None:
    full_write_guard(container)[key] = guarded_inplacevar(op, container[key], value)


def guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None:
        _check_pow(base, exp)
        return pow(base, exp)
    return pow(base, exp, mod)


_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


def guarded_format(value: Any, conversion: int, spec: str) -> str:
    if conversion != -1:  # f"{x!r:>8}" converts first, then formats
        value = _CONVERSIONS[conversion](value)
    for digits in _DIGITS.findall(spec):
        _check_width(digits)
    return format(value, spec)


# str/bytes methods whose result can be far larger than the text they are called on.
_GROWING_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "join",
                              "replace"})


def _guard_text_method(text: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if name == "join":
            items: list[Any] = list(*args, **kwargs)
            sizes: int = sum(len(i) for i in items if isinstance(i, (str, bytes)))
            _check_items(sizes + len(text) * max(len(items) - 1, 0))
            return method(items)
        if name == "replace":
            old, new = args[0], args[1]
            count = text.count(old)
            count = min(count, args[2]) if len(args) > 2 and args[2] >= 0 else count
            _check_items(len(text) + count * max(len(new) - len(old), 0))
        elif name == "expandtabs":
            tabsize = args[0] if args else kwargs.get("tabsize", 8)
            _check_items(len(text) + text.count("\t" if isinstance(text, str) else b"\t")
                         * max(tabsize, 0))
        else:
            _check_items(args[0] if args else kwargs.get("width", 0))
        return method(*args, **kwargs)
    return guarded


def guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    if type(name) is not str:
        raise TypeError("an attribute name must be a string")
    if name.startswith("_"):
        _refuse(f"the attribute {name!r} is private (it starts with '_')")
    if name in REFUSED_ATTRIBUTES:
        _refuse(f"the attribute {name!r} is not allowed in scripts")
    value = getattr(obj, name, *default)
    if name in _GROWING_METHODS:
        if isinstance(obj, (str, bytes)):
            return _guard_text_method(obj, name, value)
        if isinstance(obj, type) and issubclass(obj, (str, bytes)):
            _refuse(f"call .{name}() on a text value, not on {obj.__name__}")
    return value


def _metered(numbers: range) -> Iterator[int]:
    # A range handed back to SpiffWorkflow is iterated after the run: give it a budget of its own.
    budget = current_budget.get() or Budget(100_000, 2.0)
    for start in itertools.count(0, RANGE_CHUNK):
        part = numbers[start:start + RANGE_CHUNK]
        if not part:
            return
        budget.charge(len(part))
        yield from part


class LongRange:
    """A range too long for C code to iterate freely: iterating it charges the step budget."""

    __slots__ = ("_range",)

    def __init__(self, numbers: range) -> None:
        self._range = numbers

    def __iter__(self) -> Iterator[int]:
        return _metered(self._range)

    def __reversed__(self) -> Iterator[int]:
        return _metered(self._range[::-1])

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, item: object) -> bool:
        return item in self._range

    def __getitem__(self, index: Any) -> Any:
        item = self._range[index]
        return _wrap_range(item) if isinstance(item, range) else item

    def __repr__(self) -> str:
        return repr(self._range)

    start = property(lambda self: self._range.start)
    stop = property(lambda self: self._range.stop)
    step = property(lambda self: self._range.step)

    def count(self, value: Any) -> int:
        return self._range.count(value)

    def index(self, value: Any) -> int:
        return self._range.index(value)


def _wrap_range(numbers: range) -> range | LongRange:
    try:
        return numbers if len(numbers) <= RANGE_CHUNK else LongRange(numbers)
    except OverflowError:  # longer than sys.maxsize
        return LongRange(numbers)


def guarded_range(*args: Any) -> range | LongRange:
    return _wrap_range(range(*args))


# C code such as date.today() and datetime.strptime() imports these through the
# calling frame's __builtins__; scripts cannot name __import__ themselves.
_C_IMPORTS = frozenset({"time", "_strptime"})


def _import_for_c_code(name: str, globals: Any = None, locals: Any = None,
                       fromlist: Any = (), level: int = 0) -> Any:
    if name in _C_IMPORTS and level == 0:
        return __import__(name, globals, locals, fromlist, level)
    _refuse(f"importing {name!r} is not allowed")


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
    "len": len, "min": min, "max": max, "sum": sum, "sorted": sorted, "enumerate": enumerate,
    "zip": zip, "dict": dict, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset,
    "str": str, "int": int, "float": float, "bool": bool, "abs": abs, "round": round,
    "any": any, "all": all, "isinstance": isinstance, "reversed": reversed, "map": map,
    "filter": filter, "range": guarded_range, "pow": guarded_pow, "getattr": guarded_getattr,
    "datetime": datetime, "date": date, "timedelta": timedelta, "math": _MATH,
}
GUARDS: dict[str, Any] = {
    "_getattr_": guarded_getattr, "_getitem_": operator.getitem, "_getiter_": iter,
    "_write_": full_write_guard, "_inplacevar_": guarded_inplacevar,
    "_augitem_": guarded_augitem, "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_apply_": _apply,
    "_print_": _NoPrint, "_print": _NoPrint(), "_format_": guarded_format,
    "_add_": _guarded(_check_add, operator.add), "_mul_": _guarded(_check_mul, operator.mul),
    "_mod_": _guarded(_check_mod, operator.mod), "_pow_": guarded_pow,
    "_lshift_": _guarded(_check_lshift, operator.lshift), "__import__": _import_for_c_code,
}
