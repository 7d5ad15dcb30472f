from pathlib import Path

import hcl2
import pytest

from gp.config.fmt import find_files, format_source, unified_diff
from gp.errors import ConfigError

MESSY = """# top comment
workflow_template "sen2cor" {
    namespace = "pipeline" # inline comment
  node_selector = { pipeline = "small" }
      // a line comment
  toleration {
   key = "ga.nodepool/type"
       operator="Exists"
  }
  /* a block
       comment */
  step "x" {
    script {
      image = "python"
      source = <<-EOF
        print("${var.x}")
          indented %{ if true }yes%{ endif }
        EOF
    }
  }
}
"""


def test_formats_indentation_and_aligns_consecutive_attributes():
    out = format_source(MESSY, "m.gp.hcl")
    assert (
        '  namespace     = "pipeline" # inline comment\n  node_selector = { pipeline = "small" }\n'
        in out
    )
    assert '    key      = "ga.nodepool/type"\n    operator = "Exists"\n' in out
    assert "\n  // a line comment\n" in out


def test_keeps_every_comment_and_the_heredoc_verbatim():
    out = format_source(MESSY, "m.gp.hcl")
    for comment in (
        "# top comment",
        "# inline comment",
        "// a line comment",
        "/* a block\n       comment */",
    ):
        assert comment in out
    heredoc = MESSY[MESSY.index("<<-EOF") : MESSY.index("EOF\n    }") + 3]
    assert heredoc in out


def test_meaning_is_unchanged():
    assert hcl2.loads(format_source(MESSY, "m.gp.hcl")) == hcl2.loads(MESSY)


@pytest.mark.parametrize(
    "text", [MESSY, "a = 1\n", "locals {\n  x = [{\n    a = 1\n    }, {\n    b = 2\n  }]\n}\n", ""]
)
def test_idempotent(text):
    once = format_source(text, "m.gp.hcl")
    assert format_source(once, "m.gp.hcl") == once


def test_attributes_separated_by_a_block_or_blank_line_align_separately():
    src = "x {\n  a = 1\n  bbbb = 2\n\n  cc = 3\n  inner {}\n  d = 4\n}\n"
    assert (
        format_source(src, "m.gp.hcl")
        == "x {\n  a    = 1\n  bbbb = 2\n\n  cc = 3\n  inner {}\n  d = 4\n}\n"
    )


def test_quoted_keys_align_and_trailing_whitespace_and_blank_lines_at_end_go():
    src = 'labels = {\n  "app.kubernetes.io/name" = "x"   \n  b = "y"\n}\n\n\n'
    assert (
        format_source(src, "m.gp.hcl")
        == 'labels = {\n  "app.kubernetes.io/name" = "x"\n  b                        = "y"\n}\n'
    )


def test_check_semantics():
    assert format_source(MESSY, "m.gp.hcl") != MESSY
    formatted = format_source(MESSY, "m.gp.hcl")
    assert format_source(formatted, "m.gp.hcl") == formatted


@pytest.mark.parametrize(
    "text, line, col, what",
    [
        ("a = {\n  b = \n}\n", 2, 7, "unexpected"),
        ("block {\n  a = 1\n", 3, 1, "end of file"),
        ("a = 1 @\n", 1, 7, "unexpected '@'"),
    ],
)
def test_syntax_errors_name_file_line_and_column(text, line, col, what):
    with pytest.raises(ConfigError) as err:
        format_source(text, "dir/m.gp.hcl")
    assert (err.value.pos.file, err.value.pos.line, err.value.pos.col) == (
        "dir/m.gp.hcl",
        line,
        col,
    )
    assert "syntax error" in err.value.message and what in err.value.message


def test_unified_diff():
    diff = unified_diff("a=1\n", "a = 1\n", "m.gp.hcl")
    assert diff.splitlines()[:2] == ["--- old/m.gp.hcl", "+++ new/m.gp.hcl"]
    assert "-a=1" in diff and "+a = 1" in diff
    assert unified_diff("a = 1\n", "a = 1\n", "m.gp.hcl") == ""


def test_find_files(tmp_path: Path):
    files = ("a.gp.hcl", "b.tf", "sub/c.gp.hcl", ".hidden/d.gp.hcl", "gp.vars.hcl")
    tests = ("a.gptest.hcl", "tests/t.gptest.hcl", "sub/tests/u.gptest.hcl")
    for rel in files + tests:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    # The module's test files are formatted with it: beside it and in its tests/ folder.
    assert find_files(tmp_path, recursive=False) == [
        tmp_path / "a.gp.hcl",
        tmp_path / "a.gptest.hcl",
        tmp_path / "tests/t.gptest.hcl",
    ]
    assert find_files(tmp_path, recursive=True) == [
        tmp_path / "a.gp.hcl",
        tmp_path / "a.gptest.hcl",
        tmp_path / "sub/c.gp.hcl",
        tmp_path / "sub/tests/u.gptest.hcl",
        tmp_path / "tests/t.gptest.hcl",
    ]
    assert find_files(tmp_path / "b.tf", recursive=False) == [tmp_path / "b.tf"]
