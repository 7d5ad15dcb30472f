"""A script whose source no command runs is a warning (Argo's validator accepts it)."""

from hcl_builders import a, b, decl, module

from gp.compile.module import validate_module


def script(*extra):
    return b("script", a("image", "python"), a("source", "print(1)"), *extra, line=4, col=5)


def warnings(*body):
    diags = validate_module(module(decl("workflow_template", "wt", *body)))
    assert all(d.severity == "warning" for d in diags), diags
    return [f"{d.pos.line}:{d.pos.col}" for d in diags]


def test_a_script_without_command_is_warned_about_at_its_block():
    assert warnings(b("step", "a", script())) == ["4:5"]


def test_a_command_or_a_default_command_silences_it():
    assert warnings(b("step", "a", script(a("command", ["python"])))) == []
    assert (
        warnings(
            a("template_defaults", {"script": {"image": "python", "command": ["python"]}}),
            b("step", "a", script()),
        )
        == []
    )
