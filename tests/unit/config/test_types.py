from __future__ import annotations

import pytest

from gp.config.parse import parse_expression
from gp.config.types import TypeConvError, TypeSpecError, convert, parse_type


def t(src: str):
    return parse_type(parse_expression(src, "t.hcl"), lambda e: parse_value(e))


def parse_value(expr):
    return expr.value


@pytest.mark.parametrize(
    "type_src,value,expected",
    [
        ("string", 5, "5"),
        ("string", True, "true"),
        ("number", "12", 12),
        ("number", "1.5", 1.5),
        ("bool", "false", False),
        ("any", {"a": 1}, {"a": 1}),
        ("list(string)", [1, "a"], ["1", "a"]),
        ("set(string)", ["b", "a", "b"], ["a", "b"]),
        ("map(number)", {"a": "1"}, {"a": 1}),
        ("tuple([string, number])", [1, "2"], ["1", 2]),
        (
            "object({a = string, b = optional(number, 7), c = optional(string)})",
            {"a": 1, "x": 0},
            {"a": "1", "b": 7, "c": None},
        ),
        ("list(object({n = number}))", [{"n": "3"}], [{"n": 3}]),
        ("string", None, None),
    ],
)
def test_conversion(type_src, value, expected):
    assert convert(value, t(type_src)) == expected


@pytest.mark.parametrize(
    "type_src,value,message",
    [
        ("number", "abc", "a number is required"),
        ("bool", "yes", "a bool is required"),
        ("string", [1], "string required"),
        ("list(number)", ["1", "x"], "element 1: a number is required"),
        ("map(string)", [1], "map of string required"),
        ("object({a = string})", {}, 'attribute "a" is required'),
        (
            "object({a = object({b = number})})",
            {"a": {"b": "z"}},
            'attribute "a": attribute "b": a number is required',
        ),
        ("tuple([string])", ["a", "b"], "tuple of 1 elements required"),
    ],
)
def test_conversion_errors(type_src, value, message):
    with pytest.raises(TypeConvError) as info:
        convert(value, t(type_src))
    assert str(info.value) == message


@pytest.mark.parametrize("src", ["strin", "list(string, number)", "optional(string)", "object(1)"])
def test_bad_type_specs(src):
    with pytest.raises(TypeSpecError):
        t(src)
