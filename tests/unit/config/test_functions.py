from __future__ import annotations

import pytest

from gp.errors import ConfigError


@pytest.mark.parametrize(
    "src,expected",
    [
        ("abs(-3)", 3),
        ("ceil(1.2)", 2),
        ("floor(1.8)", 1),
        ("max(1, 5, 3)", 5),
        ("min(4, 2)", 2),
        ('format("%s-%03d-%.2f-%t-%q", "a", 7, 1.5, true, "x")', 'a-007-1.50-true-"x"'),
        ('format("%5s|%-4s|%%", "ab", "c")', "   ab|c   |%"),
        ('formatlist("%s=%s", ["a", "b"], "v")', ["a=v", "b=v"]),
        ('join(",", ["a", "b"], ["c"])', "a,b,c"),
        ('split(",", "a,b")', ["a", "b"]),
        ('lower("AB")', "ab"),
        ('upper("ab")', "AB"),
        ('replace("a-b-c", "-", "_")', "a_b_c"),
        ('replace("a1b22", "/([0-9]+)/", "<$1>")', "a<1>b<22>"),
        ('trimspace("  x \\n")', "x"),
        ('trimprefix("prefix-x", "prefix-")', "x"),
        ('trimsuffix("x.yaml", ".yaml")', "x"),
        ('substr("hello", 1, 3)', "ell"),
        ('substr("hello", -3, -1)', "llo"),
        ('regex("[a-z]+", "123abc456")', "abc"),
        ('regex("(\\\\d+)-(\\\\d+)", "10-20")', ["10", "20"]),
        ('regex("(?P<y>\\\\d{4})", "in 2024")', {"y": "2024"}),
        ('regexall("\\\\d", "a1b2")', ["1", "2"]),
        ('startswith("abc", "ab")', True),
        ('endswith("abc", "bc")', True),
        ('length("héllo")', 5),
        ("length([1, 2])", 2),
        ("length({a = 1})", 1),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ('contains(["a"], "a")', True),
        ("contains([1], 2)", False),
        ("distinct([1, 2, 1])", [1, 2]),
        ("flatten([[1, [2]], 3])", [1, 2, 3]),
        ("keys({b = 1, a = 2})", ["a", "b"]),
        ("values({b = 1, a = 2})", [2, 1]),
        ('lookup({a = 1}, "a")', 1),
        ('lookup({a = 1}, "b", 0)', 0),
        ("merge({a = 1, b = 1}, {b = 2})", {"a": 1, "b": 2}),
        ("range(3)", [0, 1, 2]),
        ("range(1, 7, 2)", [1, 3, 5]),
        ("range(3, 0, -1)", [3, 2, 1]),
        ("reverse([1, 2])", [2, 1]),
        ("slice([1, 2, 3, 4], 1, 3)", [2, 3]),
        ('sort(["b", "a", "c"])', ["a", "b", "c"]),
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ("element([1, 2, 3], 4)", 2),
        ('index(["a", "b"], "b")', 1),
        ('coalesce(null, "", "x")', "x"),
        ("one([])", None),
        ("one([7])", 7),
        ("tostring(5)", "5"),
        ("tostring(true)", "true"),
        ('tonumber("2.5")', 2.5),
        ('tobool("true")', True),
        ("tolist([1])", [1]),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("tomap({a = 1})", {"a": 1}),
        ("jsonencode({b = [1, true], a = null})", '{"a":null,"b":[1,true]}'),
        ('jsonencode("<b>&x")', '"\\u003cb\\u003e\\u0026x"'),  # Terraform's HTML-safe escapes
        ('jsondecode("{\\"a\\": [1, 2.0]}")', {"a": [1, 2]}),
        ("yamlencode({a = [1]})", "a:\n- 1\n"),
        ('yamldecode("a: [1, x]")', {"a": [1, "x"]}),
        ('basename("a/b/c.txt")', "c.txt"),
        ('dirname("a/b/c.txt")', "a/b"),
        ('base64encode("hi")', "aGk="),
        ('base64decode("aGk=")', "hi"),
        ('sha256("x")', "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"),
        ('md5("x")', "9dd4e461268c8034f5c8564e155c67a6"),
    ],
)
def test_functions(ev, src, expected):
    assert ev(src) == expected


@pytest.mark.parametrize(
    "src,message",
    [
        ('regex("x", "abc")', 'Call to function "regex" failed: pattern did not match'),
        (
            'lookup({a = 1}, "b")',
            'Call to function "lookup" failed: the given key "b" does not exist',
        ),
        ("one([1, 2])", 'Call to function "one" failed'),
        ('tonumber("x")', 'Call to function "tonumber" failed: a number is required'),
        ('jsondecode("{")', 'Call to function "jsondecode" failed: invalid JSON'),
        ('file("missing.txt")', 'Call to function "file" failed: no file exists at "missing.txt"'),
        ("element([], 0)", 'Call to function "element" failed'),
        ("slice([1], 0, 5)", 'Call to function "slice" failed'),
        ('yamldecode("a: [")', 'Call to function "yamldecode" failed: invalid YAML'),
    ],
)
def test_function_errors_name_the_function(ev, src, message):
    with pytest.raises(ConfigError) as info:
        ev(src)
    assert message in info.value.message
    assert info.value.pos.line == 1


def test_file_functions_resolve_from_the_module_dir(ev, tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "a.py").write_text("print(1)\n")
    (tmp_path / "t.tpl").write_text("Hi ${name}!%{ for x in xs } ${x}%{ endfor }\n")
    assert ev('file("scripts/a.py")') == "print(1)\n"
    assert ev('fileexists("scripts/a.py")') is True
    assert ev('fileexists("nope")') is False
    assert ev('templatefile("t.tpl", {name = "W", xs = [1, 2]})') == "Hi W! 1 2\n"


def test_templatefile_sees_only_its_vars(ev, tmp_path):
    (tmp_path / "t.tpl").write_text("${nam}")
    with pytest.raises(
        ConfigError, match='Unknown variable "nam" in template.*did you mean "name"'
    ):
        ev('templatefile("t.tpl", {name = 1})')
