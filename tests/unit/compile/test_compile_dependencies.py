"""A DAG's deprecated `dependencies` list: kept as written in `template` blocks, checked like `depends`."""

from hcl_builders import a, b, compiled, decl, problems


def c():
    return b("container", a("image", "alpine"))


def wt(*templates):
    return decl(
        "workflow_template", "wt", a("entrypoint", "flow"), *templates, b("template", "say", c())
    )


def flow(*tasks):
    return b("template", "flow", b("dag", *tasks))


def task(name, *body, line=1):
    return b("task", name, a("template", "say"), *body, line=line)


def dag_of(manifest):
    return next(t for t in manifest["spec"]["templates"] if t["name"] == "flow")["dag"]["tasks"]


def test_a_template_block_keeps_dependencies_as_argo_wrote_them():
    (m,) = compiled(wt(flow(task("x"), task("y", a("dependencies", ["x"])))))
    assert dag_of(m)[1] == {"name": "y", "template": "say", "dependencies": ["x"]}


def test_a_dag_short_form_still_makes_depends():
    (m,) = compiled(wt(b("dag", "flow", task("x"), task("y", a("dependencies", ["x"])))))
    assert dag_of(m)[1] == {"name": "y", "template": "say", "depends": "x"}


def test_a_template_block_that_mixes_the_two_gets_depends_only():
    (m,) = compiled(
        wt(flow(task("x"), task("y", a("depends", "x")), task("z", a("dependencies", ["x", "y"]))))
    )
    assert [t.get("depends") for t in dag_of(m)] == [None, "x", "x && y"]
    assert all("dependencies" not in t for t in dag_of(m))


def test_dependencies_name_known_tasks_and_make_no_cycle():
    assert problems(
        wt(
            flow(
                task("x", a("dependencies", ["y"], line=3)),
                task("y", a("dependencies", ["x"], line=4)),
                task("z", a("dependencies", ["w"], line=5)),
            )
        )
    ) == [
        "main.gp.hcl:3:3: dependency cycle: x -> y -> x",
        'main.gp.hcl:5:3: task "z" depends on unknown task "w"',
    ]
