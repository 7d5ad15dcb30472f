"""normalize() on its own, and the path syntax used by plans and ignore_changes."""

from __future__ import annotations

import pytest

from gp.planner.normalize import normalize, strip_server_fields
from gp.planner.paths import ItemName, format_path, keyed, parse_path, plain


def test_normalize_drops_server_fields_and_marks():
    m = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {
            "name": "n",
            "uid": "u",
            "resourceVersion": "1",
            "generation": 2,
            "creationTimestamp": "t",
            "managedFields": [{}],
            "selfLink": "s",
            "labels": {
                "workflows.argoproj.io/creator": "x",
                "workflows.argoproj.io/actor-email": "y",
                "team": "geo",
            },
            "annotations": {
                "cronworkflows.argoproj.io/last-used-schedule": "z",
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
            },
        },
        "spec": {"schedules": ["0 2 * * *"]},
        "status": {"active": []},
    }
    assert normalize(m) == {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {"name": "n", "labels": {"team": "geo"}},
        "spec": {"schedules": ["0 2 * * *"]},
    }
    assert "status" in m  # the input is left alone


def test_normalize_zero_values_and_integer_strings():
    m = {
        "spec": {
            "suspend": False,
            "a": "",
            "b": [],
            "c": {"d": 0},
            "limit": "10",
            "port": 8080,
            "args": ["", "0"],
            "name": "007",
        }
    }
    assert normalize(m) == {"spec": {"limit": 10, "port": 8080, "args": ["", 0], "name": "007"}}


def test_normalize_keeps_user_data_maps_as_written():
    m = {"metadata": {"labels": {"empty": "", "n": "10"}}, "spec": {"nodeSelector": {"pool": ""}}}
    assert normalize(m) == m


def test_normalize_parses_pod_spec_patch_json_and_yaml_alike():
    a = {
        "spec": {
            "podSpecPatch": '{"containers": [{"name": "main", "resources": {"limits": {"cpu": "1"}}}]}'
        }
    }
    b = {"spec": {"podSpecPatch": "containers:\n- name: main\n  resources: {limits: {cpu: 1}}\n"}}
    assert normalize(a) == normalize(b)


def test_strip_server_fields_keeps_zero_values():
    assert strip_server_fields({"spec": {"suspend": False}, "status": {}}) == {
        "spec": {"suspend": False}
    }


@pytest.mark.parametrize(
    "text, segments",
    [
        (
            'spec.templates["main"].container.image',
            ("spec", "templates", "main", "container", "image"),
        ),
        (
            "spec.templates.main.container.image",
            ("spec", "templates", "main", "container", "image"),
        ),
        (
            'metadata.labels["app.kubernetes.io/name"]',
            ("metadata", "labels", "app.kubernetes.io/name"),
        ),
        ("spec.templates[0].steps[1]", ("spec", "templates", 0, "steps", 1)),
    ],
)
def test_parse_path(text, segments):
    assert parse_path(text) == segments


@pytest.mark.parametrize("text", ["", "spec..x", "spec[main]", ".spec", 'spec["a"', "spec x"])
def test_parse_path_rejects(text):
    with pytest.raises(ValueError):
        parse_path(text)


def test_format_path_quotes_names_and_odd_keys():
    assert (
        format_path(("spec", "templates", ItemName("a.b"), "container"))
        == 'spec.templates["a.b"].container'
    )
    assert format_path(("metadata", "labels", "gp.dev/stack")) == 'metadata.labels["gp.dev/stack"]'
    assert format_path(("spec", "args", 2)) == "spec.args[2]"
    assert format_path(parse_path('spec.templates["x"].image')) == 'spec.templates["x"].image'


def test_keyed_only_when_names_are_unique():
    assert isinstance(keyed({"t": [{"name": "a"}, {"name": "b"}]})["t"], dict)
    assert isinstance(keyed({"t": [{"name": "a"}, {"name": "a"}]})["t"], list)
    assert isinstance(keyed({"t": [{"name": "a"}, {"image": "b"}]})["t"], list)
    assert isinstance(keyed({"tolerations": [{"key": "a"}, {"key": "b"}]})["tolerations"], dict)
    value = {"t": [{"name": "b"}, {"name": "a", "x": [{"name": "c"}]}]}
    assert plain(keyed(value)) == value
