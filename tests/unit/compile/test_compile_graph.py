import pytest
from hcl_builders import a, b, decl, module

from gp.compile.module import compile_module
from gp.errors import CompileError
from gp.render.graph import graph


def c():
    return b("container", a("image", "alpine"))


def diamond():
    return compile_module(
        module(
            decl(
                "workflow_template",
                "diamond",
                # Capitals in task names only: a template's name is in its pods' names.
                b("step", "A", a("template", "say")),
                b("step", "B", a("depends", "A"), a("template", "say")),
                b("step", "C", a("depends", "A.Failed"), a("template", "say")),
                b("step", "D", a("depends", "B && !C.Succeeded"), a("template", "say")),
                b("container", "say", a("image", "alpine")),
            ),
            decl(
                "workflow_template",
                "linear",
                b(
                    "steps",
                    "main",
                    b("step", "one", a("template", "say")),
                    b(
                        "parallel",
                        b("step", "two", a("template", "say")),
                        b("step", "three", a("template", "say")),
                    ),
                ),
                b("container", "say", a("image", "alpine")),
            ),
        )
    )


def test_text():
    assert graph(diamond(), "workflow_template.diamond") == (
        "workflow_template.diamond: main\n"
        "  A\n"
        "  B <- A\n"
        "  C <- A.Failed\n"
        "  D <- B && !C.Succeeded\n"
    )


def test_steps_groups_wait_for_the_previous_group():
    assert graph(diamond(), "workflow_template.linear") == (
        "workflow_template.linear: main\n  one\n  two   <- one\n  three <- one\n"
    )


def test_dot():
    out = graph(diamond(), "workflow_template.diamond", fmt="dot")
    assert out.startswith("digraph gp {\n")
    assert '    "0/A" [label="A"];\n' in out
    assert '  "0/A" -> "0/B";\n' in out
    assert '  "0/A" -> "0/C" [label="Failed"];\n' in out
    assert '  "0/C" -> "0/D" [label="!Succeeded"];\n' in out


def test_mermaid():
    out = graph(diamond(), "workflow_template.diamond", fmt="mermaid")
    assert out.splitlines()[:2] == [
        "flowchart LR",
        '  subgraph d0["workflow_template.diamond: main"]',
    ]
    assert '    d0t0["A"]' in out
    assert "  d0t0 --> d0t1" in out
    assert "  d0t0 -->|Failed| d0t2" in out


def test_all_objects_and_errors():
    out = graph(diamond())
    assert "workflow_template.diamond: main" in out and "workflow_template.linear: main" in out
    with pytest.raises(CompileError, match="no object workflow_template.nope"):
        graph(diamond(), "workflow_template.nope")
    with pytest.raises(CompileError, match="unknown graph format"):
        graph(diamond(), fmt="png")


def test_text_shows_an_either_or_as_written_not_as_a_list():
    objs = compile_module(
        module(
            decl(
                "workflow_template",
                "failover",
                b("step", "v2", c()),
                b("step", "v1", a("depends", "v2.Failed"), c()),
                b("step", "done", a("depends", "v2.Succeeded || v1.Succeeded"), c()),
                b("step", "both", a("depends", "v2 && v1"), c()),
            )
        )
    )
    assert graph(objs).splitlines()[3:] == [
        "  done <- v2.Succeeded || v1.Succeeded",
        "  both <- v2, v1",
    ]
