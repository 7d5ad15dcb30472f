from __future__ import annotations

import pytest

from gp.errors import ConfigError


@pytest.mark.parametrize(
    "src,expected",
    [
        ('"plain"', "plain"),
        ("42", 42),
        ("1.5", 1.5),
        ("true", True),
        ("null", None),
        ('"a ${1 + 2} b"', "a 3 b"),
        ('"$${x} {{inputs.parameters.x}}"', "${x} {{inputs.parameters.x}}"),
        ('"esc \\" \\n \\u00e9"', 'esc " \n é'),
        ('"%{ if true }yes%{ else }no%{ endif }"', "yes"),
        ('"%{ if false }yes%{ else }no%{ endif }"', "no"),
        ('"%{ for x in ["a", "b"] }<${x}>%{ endfor }"', "<a><b>"),
        ('"%{ for i, x in ["a", "b"] }${i}=${x};%{ endfor }"', "0=a;1=b;"),
        ('"a   %{~ if true ~}   b   %{~ endif ~}   c"', "abc"),
        ("[1, 2, 3]", [1, 2, 3]),
        ('{ a = 1, "b" : 2 }', {"a": 1, "b": 2}),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 / 4", 2.5),
        ("10 / 2", 5),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ("-(2)", -2),
        ("1 < 2 && 2 <= 2", True),
        ("3 > 4 || !false", True),
        ('1 == 1 && "a" != "b"', True),
        ('1 == "1"', False),
        ('"2" + 3', 5),
        ("true ? 1 : 2", 1),
        ("false ? 1 : 2", 2),
        ("[for x in [1, 2, 3] : x * 2]", [2, 4, 6]),
        ("[for x in [1, 2, 3] : x if x > 1]", [2, 3]),
        ("{for k, v in {a = 1, b = 2} : v => k}", {"1": "a", "2": "b"}),
        ('{for x in ["a", "b", "a"] : x => 1...}', {"a": [1, 1], "b": [1]}),
        ("[{id = 1}, {id = 2}][*].id", [1, 2]),
        ("[{id = 1}, {id = 2}].*.id", [1, 2]),
        ("{a = {b = [10, 20]}}.a.b[1]", 20),
        ('{a = 1}["a"]', 1),
        ("[5, 6].1", 6),
        ("max([3, 9, 4]...)", 9),
    ],
)
def test_expression_values(ev, src, expected):
    assert ev(src) == expected


def test_heredocs(ev):
    assert ev('<<EOT\nhello ${"w"}\n  indented\nEOT\n') == "hello w\n  indented\n"
    assert ev("<<-EOT\n    a\n      b ${1}\n    EOT\n") == "a\n  b 1\n"
    assert ev("<<-EOT\n  %{ for x in [1, 2] ~}\n  ${x}\n  %{ endfor ~}\n  EOT\n") == "1\n2\n"


def test_bindings_and_splat_of_single_value(ev):
    assert ev("x.y", x={"y": 3}) == 3
    assert ev("x[*]", x={"a": 1}) == [{"a": 1}]
    assert ev("x[*].a", x=None) == []


@pytest.mark.parametrize(
    "src,message,col",
    [
        ("{a = 1}.b", 'Unsupported attribute "b"', 8),
        ("{abc = 1}.abd", 'did you mean "abc"?', 10),
        ("[1, 2][5]", "index 5 is out of range for a list of 2 elements", 7),
        ('"a" * 2', "a number is required, not a string", 1),
        ('"${[1]}"', "string required", 4),
        ("1 / 0", "Division by zero", 3),
        ('true ? 1 : 2 == "x" ? 1 : 2', None, None),
        ('{for x in ["a", "a"] : x => 1}', 'Duplicate object key "a"', 24),
        ("uper(1)", 'Call to unknown function "uper"; did you mean "upper"?', 1),
        ("upper(1, 2)", 'Call to function "upper" failed: wrong number of arguments', 1),
        ("null.x", 'Attempt to get attribute "x" from a null value', 5),
        ("5 ? 1 : 2", "Invalid condition: a bool is required, not a number", 1),
        ("unknown_thing", "References are not allowed in tests", 1),
    ],
)
def test_expression_errors(ev, src, message, col):
    if message is None:
        ev(src)  # evaluates: conditionals do not force both branches' types
        return
    with pytest.raises(ConfigError) as info:
        ev(src)
    assert message in info.value.message
    assert info.value.pos.file == "expr.hcl"
    assert info.value.pos.col == col


def test_try_and_can(ev):
    assert ev('try({a = 1}.b, "fallback")') == "fallback"
    assert ev("try(1, 2)") == 1
    assert ev("can([1][3])") is False
    assert ev("can([1][0])") is True
    with pytest.raises(ConfigError, match='"try" failed: no expression succeeded'):
        ev("try([][0])")
