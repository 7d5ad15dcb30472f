"""Syntax errors point at where the mistake starts and say it in words, on one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gp.config.parse import parse_expression, parse_text
from gp.config.syntax_scan import diagnose
from gp.errors import ConfigError

REPO = Path(__file__).resolve().parents[3]
AFTER = '\nworkflow_template "b" {\n  image = "busybox"\n}\n'  # text the error must not quote


@pytest.mark.parametrize(
    "src,line,col,message",
    [
        (
            'workflow_template "a" {\n  x = <<EOT\n  hello\n}\n' + AFTER,
            2,
            7,
            'This heredoc is never closed: no line holds just "EOT"',
        ),
        (
            'workflow_template "a" {\n  x = <<-EOT\n  hello\n  EOX\n}\n' + AFTER,
            2,
            7,
            'This heredoc is never closed: no line holds just "EOT"',
        ),
        (
            'workflow_template "a" {\n  x = "hello\n  y = 2\n}\n' + AFTER,
            2,
            7,
            'This string is never closed: a quoted string ends with " on the line it starts '
            "(a heredoc, <<EOT, holds several lines)",
        ),
        (
            'workflow_template "a" {\n  x = "hello ${var.y"\n}\n' + AFTER,
            2,
            14,
            'This "${" is never closed: no "}" ends the interpolation',
        ),
        (
            'workflow_template "a" {\n  x = "hello ${var.y world"\n}\n' + AFTER,
            2,
            14,
            'This "${" is never closed: no "}" ends the interpolation',
        ),
        ('x = "${', 1, 6, 'This "${" is never closed: no "}" ends it'),
        (
            'workflow_template "a" {\n  image "busybox"\n}\n' + AFTER,
            2,
            9,
            'Missing "=" after "image": write image = value for an attribute, or end the labels of block '
            '"image" with "{"',
        ),
        (
            'workflow_template "a" {\n  retries 3\n}\n' + AFTER,
            2,
            11,
            'Expected "=" after "retries": write retries = value for an attribute, or retries { ... } for a block',
        ),
        (
            'workflow_template "a" {\n  image: "busybox"\n}\n' + AFTER,
            2,
            8,
            'Use "=" to set an attribute: image = value',
        ),
        ('workflow_template "a" {\n  x = 1\n  @\n}\n' + AFTER, 3, 3, 'Invalid character "@"'),
        (
            'workflow_template "a" {\n  x = 1;\n}\n' + AFTER,
            2,
            8,
            'Invalid character ";"; HCL ends an attribute at the end of its line',
        ),
        (
            "workflow_template \"a\" {\n  x = 'busybox'\n}\n" + AFTER,
            2,
            7,
            'Invalid character "\'"; strings are written in double quotes',
        ),
        (
            'workflow_template "a" {\n  x = 1\n}\n}\n' + AFTER,
            4,
            1,
            'Unexpected "}": no block is open here',
        ),
        (
            'workflow_template "a" {\n  x = 1\n' + AFTER,
            1,
            23,
            'This block is never closed: no "}" matches its "{"',
        ),
        (
            'workflow_template "a" {\n  x = [1, 2\n}\n' + AFTER,
            2,
            7,
            'This "[" is never closed: "}" at 3:1 comes first',
        ),
        (
            'workflow_template "a" {\n  /* x = 1\n}\n' + AFTER,
            2,
            3,
            'This comment is never closed: no "*/" ends it',
        ),
        (
            "x = <<EOT\n  a ${foo(}\nEOT\n" + AFTER,
            2,
            10,
            'This "(" is never closed: no ")" matches it',
        ),
    ],
)
def test_syntax_error_points_at_the_mistake(src: str, line: int, col: int, message: str):
    with pytest.raises(ConfigError) as info:
        parse_text(src, "main.gp.hcl")
    assert (info.value.pos.line, info.value.pos.col, info.value.message) == (line, col, message)


def test_an_unexpected_token_is_quoted_by_its_first_line_only():
    with pytest.raises(ConfigError) as info:
        parse_text("x = [for <<EOT\n" + "long line\n" * 50 + "EOT\n]\n", "main.gp.hcl")
    assert info.value.message == 'Unexpected "<<EOT"'


def test_an_expression_snippet_is_scanned_at_its_own_position():
    with pytest.raises(ConfigError) as info:
        parse_expression('["a", "b', "--var tiles", 1, 1)
    assert (info.value.pos.line, info.value.pos.col) == (1, 7)
    assert info.value.message.startswith("This string is never closed")


VALID = """\
# a "comment" with ${ and <<EOT
locals {
  a = var.x ? "yes" : "no"
  b = var.x ? "yes"
    : "no"
  c = var.a ||
    var.b
  d = [for k, v in var.m : "${k}=${v}" if v != ""]
  e = { for k, v in var.m : k => v... }
  f = "%{ for x in var.l }${x},%{ endfor }"
  g = <<-EOT
    hello ${upper("x")} $${literal} {
      %{ if true }yes%{ else }no%{ endif }
    EOT
  h = { a: 1, "b" = 2, c = [1, 2,
    3] }
  i = merge(
    var.a,
    var.b,
  )
  j = var.list[*].name
  l = -1.5e3 + 2 * 3 / 4 % 5 - 6
  m = !var.flag && var.g >= 2 || var.k == "x"
  n = "a\\"b\\\\c\\n ${ "nested ${var.x}" }"
  o = "100%" // trailing
  s = "${var.a == "x" ? "y" : "z"}"
  u = var.list.0
}
block "a" "b" {
  nested { x = 1 }
  other
  {
    y = 2
  }
}
in = 1
"""


def test_valid_text_has_no_finding():
    parse_text(VALID, "valid.gp.hcl")
    assert diagnose(VALID) is None


def test_the_repository_modules_have_no_finding():
    files = [
        *REPO.glob("examples/**/*.gp.hcl"),
        *REPO.glob("modules/**/*.gp.hcl"),
        *REPO.glob("tests/golden/cases/**/*.gp.hcl"),
    ]
    assert files
    parsed = 0
    for path in files:
        text = path.read_text()
        try:
            parse_text(text, str(path))
        except ConfigError:
            continue  # golden cases of syntax errors
        parsed += 1
        assert diagnose(text) is None, path
    assert parsed > 10
