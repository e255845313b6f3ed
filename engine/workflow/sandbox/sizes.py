"""Size guards: check the size of a value before C code builds it.

A step budget cannot stop one C call: ``'x' * 10**9``, ``rows.extend(rows)``
in a loop, ``f"{0:>1000000000}"`` or ``2 ** 10**9`` each allocate gigabytes,
or compute for minutes, inside a single step. So every operator, builtin and
method that can grow a value is replaced, for scripts, by one that works out
the size it would build (items, characters, bits) and fails the script
before anything is allocated. Ordinary values pass through unchanged.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, MappingView
from typing import Any, NamedTuple, cast

from RestrictedPython.Guards import full_write_guard

from engine.common.errors import ScriptBudgetExceeded
from engine.workflow.sandbox.budget import current_budget, fail, refuse

__all__ = [
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_POWMOD_WORK",
    "Splat",
    "guard_growing_method",
    "guarded_add",
    "guarded_ascii",
    "guarded_augitem",
    "guarded_format",
    "guarded_inplacevar",
    "guarded_lshift",
    "guarded_mod",
    "guarded_mul",
    "guarded_pow",
    "guarded_repr",
    "guarded_str",
    "guarded_sum",
    "guarded_write",
    "spread",
    "text_weight",
]

MAX_ITEMS = 1_000_000    # longest string or list one operation may build
MAX_INT_BITS = 100_000   # largest integer one operation may build (about 30,000 digits)
MAX_POWMOD_WORK = 10_000_000  # exponent bits times modulus bits one pow(b, e, m) may take


def _check_items(count: int) -> None:
    if count > MAX_ITEMS:
        fail(ScriptBudgetExceeded(
            f"the result would hold {count:,} items or characters; the limit is {MAX_ITEMS:,}"))


def _check_bits(bits: float) -> None:
    if bits > MAX_INT_BITS:
        fail(ScriptBudgetExceeded(f"the number would have about {int(bits * 0.30103):,} "
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
    # '%10000000000d' % 1 pads in C, '%s' % rows may spell out a huge list: check first.
    if not isinstance(a, (str, bytes)):
        return
    _check_text(b)
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
    # One C call squares once per bit of exp, each square as long as mod: cap the product.
    if isinstance(exp, int) and isinstance(mod, int) and \
            exp.bit_length() * mod.bit_length() > MAX_POWMOD_WORK:
        fail(ScriptBudgetExceeded("pow() with a modulus this large would take too long"))
    return pow(base, exp, mod)


_LEAF_WEIGHT = 32  # a generous length for the text of a number, date or other plain value


def text_weight(value: Any, limit: int) -> int:
    """Estimate how long ``repr(value)`` is, counting each shared part every time it occurs.

    ``[row] * 1000`` costs little memory, but its text repeats ``row`` a
    thousand times. The walk stops once past ``limit``, so it costs at most that.
    """
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item) + 3
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset, MappingView)):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(cast(Iterable[Any], item))
        elif isinstance(item, BaseException):
            total += _LEAF_WEIGHT
            stack.extend(item.args)
        else:
            total += _LEAF_WEIGHT
    return total


def _check_text(value: Any) -> None:
    if not isinstance(value, (str, int, float)) and text_weight(value, MAX_ITEMS) > MAX_ITEMS:
        fail(ScriptBudgetExceeded(f"the text of this value would be longer than the limit "
                                  f"of {MAX_ITEMS:,} characters"))


def guarded_repr(value: Any) -> str:
    _check_text(value)
    return repr(value)


def guarded_ascii(value: Any) -> str:
    _check_text(value)
    return ascii(value)


class _TextType(type):
    """``str`` as scripts see it: ``str(x)`` checks the size of the text before building it.

    To isinstance() and to attribute lookup it is ``str`` itself.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> str:
        if args:
            _check_text(args[0])
        return str(*args, **kwargs)

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, str)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, str)

    def __getattr__(cls, name: str) -> Any:
        return getattr(str, name)

    def __repr__(cls) -> str:
        return repr(str)


class guarded_str(metaclass=_TextType):
    __slots__ = ()


_CONVERSIONS: dict[int, Callable[[Any], str]] = {
    ord("s"): cast(Callable[[Any], str], guarded_str), ord("r"): guarded_repr,
    ord("a"): guarded_ascii}


def guarded_format(value: Any, conversion: int, spec: str) -> str:
    if conversion != -1:  # f"{x!r:>8}" converts first, then formats
        value = _CONVERSIONS[conversion](value)
    else:
        _check_text(value)
    for digits in _DIGITS.findall(spec):
        _check_width(digits)
    return format(value, spec)


def guarded_sum(items: Any, /, start: Any = 0) -> Any:
    """sum(); lists and tuples are joined one by one within the size limit, in linear time."""
    if not isinstance(start, (list, tuple)):
        return sum(items, start)  # numbers: C code adds them in linear time
    budget = current_budget.get()
    total = list(start)
    for item in items:
        if budget is not None:
            budget.tick()
        if not isinstance(item, type(start)):
            raise TypeError(f"can only concatenate {type(start).__name__} "
                            f"(not {type(item).__name__!r}) to {type(start).__name__}")
        _check_items(len(total) + len(item))
        total.extend(item)
    return total if isinstance(start, list) else tuple(total)


def spread(kind: str, parts: list[Any]) -> Any:
    """Build a list, tuple or set display, or call arguments, that has starred parts."""
    built: list[Any] = []
    for part in parts:
        if type(part) is not Splat:
            built.append(part)
        else:
            _extend_within_limit(built, part.items)
    return built if kind == "list" else tuple(built) if kind == "tuple" else set(built)


class Splat(NamedTuple):
    items: Any


def _extend_within_limit(target: list[Any], items: Any) -> None:
    if hasattr(items, "__len__"):
        _check_items(len(target) + len(items))
        target.extend(items)
        return
    for item in items:  # an iterator: count as it goes, so nothing huge is built first
        if len(target) >= MAX_ITEMS:
            _check_items(len(target) + 1)
        target.append(item)


class _ListWrites:
    """A list as the target of ``rows[i] = ...``: a slice may not grow it past the limit."""

    __slots__ = ("_list",)

    def __init__(self, target: list[Any]) -> None:
        self._list = target

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, slice):  # rows[:0] = rows doubles it
            value = value if isinstance(value, (list, tuple, str)) else list(value)
            _check_items(len(self._list) + len(value))
        self._list[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._list[key]


def guarded_write(target: Any) -> Any:
    return _ListWrites(target) if type(target) is list else full_write_guard(target)


def _longest_replacement(table: Any) -> int:
    if isinstance(table, Mapping):
        values: Any = table.values()
    elif isinstance(table, (list, tuple, str)):
        values = table
    else:
        refuse("translate() takes a dict or a list as its table")
    return max((len(v) for v in values if isinstance(v, str)), default=1)


def _join(text: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    def join(iterable: Any) -> Any:
        items: list[Any] = []
        size = 0
        for item in iterable:  # count as the items come, so a generator builds nothing huge
            size += (len(item) if isinstance(item, (str, bytes)) else 0) + len(text)
            _check_items(size)
            items.append(item)
        return method(items)
    return join


def _check_replace(text: Any, old: Any, new: Any, count: int = -1) -> None:
    found = text.count(old)
    found = min(found, count) if count >= 0 else found
    _check_items(len(text) + found * max(len(new) - len(old), 0))


def _check_expandtabs(text: Any, tabsize: int = 8) -> None:
    _check_items(len(text) + text.count("\t" if isinstance(text, str) else b"\t")
                 * max(tabsize, 0))


def _check_pad(_text: Any, width: int, *_fill: Any) -> None:
    _check_items(width)


def _check_translate(text: Any, table: Any) -> None:
    if isinstance(text, str):  # bytes.translate maps byte to byte: it cannot grow
        _check_items(len(text) * _longest_replacement(table))


def _check_to_bytes(_number: int, length: int = 1, *_args: Any, **_kwargs: Any) -> None:
    _check_items(length)


# Methods whose result can be far larger than the value they are called on: the types
# they grow on, and a check of the size they would build, given the value and the arguments.
_GROWING_METHODS: dict[str, tuple[tuple[type, ...], Callable[..., None] | None]] = {
    "ljust": ((str, bytes), _check_pad), "rjust": ((str, bytes), _check_pad),
    "center": ((str, bytes), _check_pad), "zfill": ((str, bytes), _check_pad),
    "expandtabs": ((str, bytes), _check_expandtabs), "replace": ((str, bytes), _check_replace),
    "translate": ((str, bytes), _check_translate), "join": ((str, bytes), None),
    "to_bytes": ((int,), _check_to_bytes), "extend": ((list,), None),
}


def _guard_method(owner: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    if name == "join":
        return _join(owner, method)
    if name == "extend":
        return lambda items: _extend_within_limit(owner, items)
    check = _GROWING_METHODS[name][1]
    assert check is not None

    def guarded(*args: Any, **kwargs: Any) -> Any:
        check(owner, *args, **kwargs)
        return method(*args, **kwargs)
    return guarded



guarded_add = _guarded(_check_add, operator.add)
guarded_mul = _guarded(_check_mul, operator.mul)
guarded_mod = _guarded(_check_mod, operator.mod)
guarded_lshift = _guarded(_check_lshift, operator.lshift)


def guard_growing_method(obj: Any, name: str, value: Any) -> Any:
    """Return the attribute ``value`` of ``obj``, size-checked if it is a method that grows."""
    if name not in _GROWING_METHODS:
        return value
    kinds = _GROWING_METHODS[name][0]
    if isinstance(obj, kinds):
        return _guard_method(obj, name, value)
    cls = str if obj is guarded_str else obj
    if isinstance(cls, type) and issubclass(cls, kinds):
        refuse(f"call .{name}() on a value, not on {cls.__name__}")
    return value
