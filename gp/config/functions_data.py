"""Collection, conversion, encoding, hashing and file functions (Terraform semantics)."""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from gp.config.calls import FuncError
from gp.config.reads import Reads
from gp.config.types import (
    TypeConvError,
    as_set,
    distinct,
    normalize_number,
    to_bool,
    to_number,
    to_string,
    type_name,
    values_equal,
)


def _list(value: Any, what: str = "argument") -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise FuncError(f"{what} must be a list, not a {type_name(value)}")


def _map(value: Any, what: str = "argument") -> dict:
    if isinstance(value, dict):
        return value
    raise FuncError(f"{what} must be a map or object, not a {type_name(value)}")


def _int(value: Any, what: str = "argument") -> int:
    try:
        n = to_number(value)
    except TypeConvError:
        raise FuncError(f"{what} must be a number, not a {type_name(value)}") from None
    if not float(n).is_integer():
        raise FuncError(f"{what} must be a whole number")
    return int(n)


def length(value: Any) -> int:
    if isinstance(value, (str, list, tuple, dict)):
        return len(value)
    raise FuncError(f"a string, list or map is required, not a {type_name(value)}")


def flatten(value: Any) -> list:
    out: list = []
    for item in _list(value):
        out.extend(flatten(item) if isinstance(item, (list, tuple)) else [item])
    return out


def lookup(m: Any, key: Any, *default: Any) -> Any:
    if len(default) > 1:
        raise FuncError("at most three arguments are allowed")
    m, key = _map(m), to_string(key)
    if key in m:
        return m[key]
    if default:
        return default[0]
    raise FuncError(f'the given key "{key}" does not exist in the map and no default was given')


def merge(*maps: Any) -> dict:
    out: dict = {}
    for m in maps:
        if m is not None:
            out.update(_map(m))
    return out


def range_(*args: Any) -> list:
    if not 1 <= len(args) <= 3:
        raise FuncError("one to three arguments are required")
    nums = [to_number(a) for a in args]
    start, end, step = (
        (0, nums[0], 1) if len(nums) == 1 else (nums[0], nums[1], nums[2] if len(nums) == 3 else 1)
    )
    if step == 0:
        raise FuncError("step must not be zero")
    if (end - start) / step > 1024:
        raise FuncError("more than 1024 values would be produced")
    out, v = [], start
    while (v < end) if step > 0 else (v > end):
        out.append(normalize_number(v))
        v += step
    return out


def slice_(lst: Any, start: Any, end: Any) -> list:
    lst, s, e = _list(lst), _int(start, "start index"), _int(end, "end index")
    if s < 0 or e > len(lst) or s > e:
        raise FuncError(
            f"slice indices {s}..{e} are out of range for a list of {len(lst)} elements"
        )
    return lst[s:e]


def sort_(lst: Any) -> list:
    try:
        return sorted(to_string(v) for v in _list(lst))
    except TypeConvError:
        raise FuncError("all elements must be strings") from None


def zipmap(keys: Any, values: Any) -> dict:
    keys, values = _list(keys, "keys"), _list(values, "values")
    if len(keys) != len(values):
        raise FuncError("the keys and values lists must have the same length")
    return {to_string(k): v for k, v in zip(keys, values)}


def element(lst: Any, index: Any) -> Any:
    lst, i = _list(lst), _int(index, "index")
    if not lst:
        raise FuncError("cannot use element function with an empty list")
    if i < 0:
        raise FuncError("index must not be negative")
    return lst[i % len(lst)]


def index_(lst: Any, value: Any) -> int:
    for i, v in enumerate(_list(lst)):
        if values_equal(v, value):
            return i
    raise FuncError("item not found")


def coalesce(*args: Any) -> Any:
    for a in args:
        if a is not None and a != "":
            return a
    raise FuncError("no non-null, non-empty-string arguments")


def one(lst: Any) -> Any:
    lst = _list(lst)
    if len(lst) > 1:
        raise FuncError(f"must be a list with no more than one element, got {len(lst)}")
    return lst[0] if lst else None


def chunklist(lst: Any, size: Any) -> list:
    lst, n = _list(lst), _int(size, "size")
    if n < 0:
        raise FuncError("size must not be negative")
    return [lst] if n == 0 else [lst[i : i + n] for i in range(0, len(lst), n)]


def tostring(v: Any) -> Any:
    if v is None:
        return None
    try:
        return to_string(v)
    except TypeConvError:
        raise FuncError(f"cannot convert a {type_name(v)} to string") from None


def tomap(v: Any) -> dict:
    return dict(_map(v))


def jsondecode(s: Any) -> Any:
    try:
        return _normalize(json.loads(to_string(s)))
    except json.JSONDecodeError as e:
        raise FuncError(f"invalid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None


def yamldecode(s: Any) -> Any:
    try:
        docs = list(yaml.safe_load_all(to_string(s)))
    except yaml.YAMLError as e:
        raise FuncError(f"invalid YAML: {str(e).splitlines()[0]}") from None
    if len(docs) > 1:
        raise FuncError("the string holds more than one YAML document")
    return _normalize(docs[0] if docs else None)


def yamlencode(v: Any) -> str:
    return yaml.safe_dump(v, default_flow_style=False, sort_keys=True, allow_unicode=True)


def _normalize(v: Any) -> Any:
    """Decoded data in gp's value model: string keys, integral floats as ints, dates as text."""
    if isinstance(v, dict):
        return {to_string(k) if not isinstance(k, str) else k: _normalize(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_normalize(x) for x in v]
    if isinstance(v, float):
        return normalize_number(v)
    if v is None or isinstance(v, (str, int, bool)):
        return v
    return str(v)


def _b64decode(s: Any) -> str:
    try:
        return base64.b64decode(to_string(s), validate=True).decode("utf-8")
    except Exception:
        raise FuncError("the string is not valid base64 of UTF-8 text") from None


def _hash(name: str) -> Callable[[Any], str]:
    return lambda s: hashlib.new(name, to_string(s).encode()).hexdigest()


# Terraform escapes these so JSON can be embedded in HTML and JavaScript safely; so does gp,
# giving byte-identical output for modules moved from Terraform.
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def jsonencode(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def data_functions(
    module_dir: Path, table: dict[str, Callable[..., Any]], reads: Reads
) -> dict[str, Callable[..., Any]]:
    files = _file_functions(module_dir, table, reads)
    return {
        **files,
        "length": length,
        "concat": lambda *ls: [x for lst in ls for x in _list(lst)],
        "contains": lambda lst, v: any(values_equal(x, v) for x in _list(lst)),
        "distinct": lambda lst: distinct(_list(lst)),
        "flatten": flatten,
        "keys": lambda m: sorted(_map(m)),
        "values": lambda m: [_map(m)[k] for k in sorted(_map(m))],
        "lookup": lookup,
        "merge": merge,
        "range": range_,
        "reverse": lambda lst: _list(lst)[::-1],
        "slice": slice_,
        "sort": sort_,
        "zipmap": zipmap,
        "element": element,
        "index": index_,
        "coalesce": coalesce,
        "coalescelist": lambda *ls: next((lst for lst in ls if _list(lst)), []),
        "compact": lambda lst: [x for x in _list(lst) if x is not None and x != ""],
        "chunklist": chunklist,
        "one": one,
        "setunion": lambda *ls: as_set([x for lst in ls for x in _list(lst)]),
        "setintersection": lambda first, *ls: as_set(
            [x for x in _list(first) if all(any(values_equal(x, y) for y in _list(o)) for o in ls)]
        ),
        "setsubtract": lambda a, b: as_set(
            [x for x in _list(a) if not any(values_equal(x, y) for y in _list(b))]
        ),
        "alltrue": lambda lst: all(to_bool(x) for x in _list(lst)),
        "anytrue": lambda lst: any(to_bool(x) for x in _list(lst)),
        "sum": lambda lst: normalize_number(sum(to_number(x) for x in _list(lst))),
        "transpose": lambda m: {
            v: sorted(k for k, vs in _map(m).items() if v in vs)
            for vs in _map(m).values()
            for v in vs
        },
        "tostring": tostring,
        "tonumber": lambda v: None if v is None else to_number(v),
        "tobool": lambda v: None if v is None else to_bool(v),
        "tolist": lambda v: _list(v),
        "toset": lambda v: as_set(_list(v)),
        "tomap": tomap,
        "jsonencode": jsonencode,
        "jsondecode": jsondecode,
        "yamlencode": yamlencode,
        "yamldecode": yamldecode,
        "base64encode": lambda s: base64.b64encode(to_string(s).encode()).decode(),
        "base64decode": _b64decode,
        "sha256": _hash("sha256"),
        "sha1": _hash("sha1"),
        "sha512": _hash("sha512"),
        "md5": _hash("md5"),
        "basename": lambda p: posixpath.basename(to_string(p).rstrip("/")) or to_string(p)[:1],
        "dirname": lambda p: posixpath.dirname(to_string(p).rstrip("/") or "/") or ".",
    }


def _file_functions(
    module_dir: Path, table: dict[str, Callable[..., Any]], reads: Reads
) -> dict[str, Callable[..., Any]]:
    def resolve(p: Any) -> Path:
        path = Path(to_string(p))
        return path if path.is_absolute() else module_dir / path

    def file_(p: Any) -> str:
        path = resolve(p)
        try:
            return reads.read_text(path)
        except FileNotFoundError:
            raise FuncError(f'no file exists at "{p}"') from None
        except UnicodeDecodeError:
            raise FuncError(f'contents of "{p}" are not valid UTF-8') from None
        except OSError as e:
            raise FuncError(f'cannot read "{p}": {e.strerror}') from None

    def templatefile(p: Any, variables: Any) -> str:
        from gp.config.templatefile import render_template

        return render_template(file_(p), str(resolve(p)), _map(variables, "vars"), table)

    return {
        "file": file_,
        "fileexists": lambda p: reads.is_file(resolve(p)),
        "templatefile": templatefile,
    }
