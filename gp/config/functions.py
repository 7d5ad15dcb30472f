"""The function table: built per module evaluation by ``build_functions(module_dir)``.

Semantics follow Terraform's functions of the same names. None depends on time, randomness
or anything outside the module's own directory, so the same inputs always give the same
objects. Collection, encoding and file functions live in ``functions_data``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gp.config.calls import FuncError
from gp.config.functions_data import data_functions
from gp.config.reads import Reads
from gp.config.types import normalize_number, to_number, to_string, type_name


def build_functions(module_dir: Path, reads: Reads | None = None) -> dict[str, Callable[..., Any]]:
    table: dict[str, Callable[..., Any]] = {}
    table.update(_numeric())
    table.update(_strings())
    table.update(data_functions(module_dir, table, reads if reads is not None else Reads()))
    return table


def _str(value: Any, what: str = "argument") -> str:
    if value is None:
        raise FuncError(f"{what} must not be null")
    try:
        return to_string(value)
    except Exception:
        raise FuncError(f"{what} must be a string, not a {type_name(value)}") from None


def _num(value: Any, what: str = "argument") -> int | float:
    try:
        return to_number(value)
    except Exception:
        raise FuncError(f"{what} must be a number, not a {type_name(value)}") from None


def _int(value: Any, what: str = "argument") -> int:
    n = _num(value, what)
    if not float(n).is_integer():
        raise FuncError(f"{what} must be a whole number")
    return int(n)


def _numeric() -> dict[str, Callable[..., Any]]:
    def max_(*nums: Any) -> Any:
        if not nums:
            raise FuncError("at least one number is required")
        return max(_num(n) for n in nums)

    def min_(*nums: Any) -> Any:
        if not nums:
            raise FuncError("at least one number is required")
        return min(_num(n) for n in nums)

    def parseint(s: Any, base: Any) -> int:
        try:
            return int(_str(s), _int(base))
        except ValueError:
            raise FuncError(f'cannot parse "{s}" as a base {base} integer') from None

    return {
        "abs": lambda n: abs(_num(n)),
        "ceil": lambda n: math.ceil(_num(n)),
        "floor": lambda n: math.floor(_num(n)),
        "max": max_,
        "min": min_,
        "pow": lambda a, b: normalize_number(float(_num(a)) ** _num(b)),
        "signum": lambda n: (_num(n) > 0) - (_num(n) < 0),
        "log": lambda n, base: normalize_number(math.log(_num(n), _num(base))),
        "parseint": parseint,
    }


# --- strings ------------------------------------------------------------------------------

_VERB = re.compile(r"%(?:(\[\d+\])?([-+# 0]*)(\d+|\*)?(?:\.(\d+))?([a-zA-Z%]))")


def format_(spec: Any, *args: Any) -> str:
    spec = _str(spec, "format string")
    out: list[str] = []
    pos, argi = 0, 0
    for m in _VERB.finditer(spec):
        out.append(spec[pos : m.start()])
        pos = m.end()
        explicit, flags, width, prec, verb = m.groups()
        if verb == "%":
            out.append("%")
            continue
        if explicit:
            argi = int(explicit[1:-1]) - 1
        if argi >= len(args):
            raise FuncError(f"not enough arguments for format string {spec!r}")
        out.append(_format_one(args[argi], flags or "", width, prec, verb))
        argi += 1
    out.append(spec[pos:])
    return "".join(out)


def _format_one(value: Any, flags: str, width: str | None, prec: str | None, verb: str) -> str:
    import json

    if verb in ("d",):
        text = str(_int(value, "%d value"))
        if "+" in flags and not text.startswith("-"):
            text = "+" + text
    elif verb in ("f", "e", "E", "g", "G"):
        n = float(_num(value, f"%{verb} value"))
        text = format(
            n,
            ("+" if "+" in flags else "")
            + (f".{prec}" if prec else ".6" if verb != "g" else "")
            + verb,
        )
    elif verb == "t":
        if not isinstance(value, bool):
            raise FuncError(f"%t requires a bool, not a {type_name(value)}")
        text = "true" if value else "false"
    elif verb == "q":
        text = json.dumps(_str(value, "%q value"), ensure_ascii=False)
    elif verb == "s":
        text = _str(value, "%s value")
        if prec:
            text = text[: int(prec)]
    elif verb == "v":
        if isinstance(value, (str, int, float, bool)):
            text = to_string(value)
        else:
            text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    elif verb in ("x", "X", "o", "b"):
        text = format(_int(value, f"%{verb} value"), verb)
    else:
        raise FuncError(f"unsupported format verb %{verb}")
    if width and width != "*":
        w = int(width)
        if "-" in flags:
            text = text.ljust(w)
        elif "0" in flags and verb in "dfeEgG":
            sign = text[0] if text[:1] in "+-" else ""
            text = sign + text[len(sign) :].rjust(w - len(sign), "0")
        else:
            text = text.rjust(w)
    return text


def formatlist(spec: Any, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise FuncError("all list arguments must have the same length")
    n = lengths.pop() if lengths else 1
    return [format_(spec, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]


def _go_regex(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise FuncError(f"invalid regular expression {pattern!r}: {e}") from None


def replace(s: Any, sub: Any, rep: Any) -> str:
    s, sub, rep = _str(s), _str(sub), _str(rep)
    if len(sub) > 1 and sub.startswith("/") and sub.endswith("/"):
        # Terraform's $1 and ${name} group references become Python's \g<...>.
        py_rep = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", rep.replace("\\", "\\\\"))
        return _go_regex(sub[1:-1]).sub(py_rep, s)
    return s.replace(sub, rep)


def _match_value(m: re.Match) -> Any:
    if m.re.groupindex:
        return {name: m.group(name) for name in m.re.groupindex}
    if m.re.groups:
        return list(m.groups())
    return m.group(0)


def regex(pattern: Any, s: Any) -> Any:
    m = _go_regex(_str(pattern)).search(_str(s))
    if m is None:
        raise FuncError("pattern did not match any part of the given string")
    return _match_value(m)


def regexall(pattern: Any, s: Any) -> list:
    return [_match_value(m) for m in _go_regex(_str(pattern)).finditer(_str(s))]


def substr(s: Any, offset: Any, length: Any) -> str:
    s, offset, length = _str(s), _int(offset), _int(length)
    if offset < 0:
        offset = max(len(s) + offset, 0)
    if offset > len(s):
        raise FuncError("offset is greater than the length of the string")
    return s[offset:] if length < 0 else s[offset : offset + length]


def indent(spaces: Any, s: Any) -> str:
    pad = " " * _int(spaces)
    return s.replace("\n", "\n" + pad) if isinstance(s, str) else _str(s)


def _strings() -> dict[str, Callable[..., Any]]:
    def join(sep: Any, *lists: Any) -> str:
        if not lists:
            raise FuncError("at least one list is required")
        items: list[Any] = []
        for lst in lists:
            if not isinstance(lst, list):
                raise FuncError(f"list of strings required, not a {type_name(lst)}")
            items.extend(_str(v, "list element") for v in lst)
        return _str(sep).join(items)

    def split(sep: Any, s: Any) -> list[str]:
        sep, s = _str(sep), _str(s)
        return list(s) if sep == "" else s.split(sep)

    def trimprefix(s: Any, p: Any) -> str:
        s, p = _str(s), _str(p)
        return s[len(p) :] if p and s.startswith(p) else s

    def trimsuffix(s: Any, p: Any) -> str:
        s, p = _str(s), _str(p)
        return s[: -len(p)] if p and s.endswith(p) else s

    return {
        "format": format_,
        "formatlist": formatlist,
        "join": join,
        "split": split,
        "lower": lambda s: _str(s).lower(),
        "upper": lambda s: _str(s).upper(),
        "title": lambda s: re.sub(r"\b\w", lambda m: m.group(0).upper(), _str(s)),
        "replace": replace,
        "trimspace": lambda s: _str(s).strip(),
        "trim": lambda s, chars: _str(s).strip(_str(chars)),
        "trimprefix": trimprefix,
        "trimsuffix": trimsuffix,
        "chomp": lambda s: re.sub(r"(\r?\n)+$", "", _str(s)),
        "substr": substr,
        "strrev": lambda s: _str(s)[::-1],
        "indent": indent,
        "regex": regex,
        "regexall": regexall,
        "startswith": lambda s, p: _str(s).startswith(_str(p)),
        "endswith": lambda s, p: _str(s).endswith(_str(p)),
        "strcontains": lambda s, p: _str(p) in _str(s),
    }
