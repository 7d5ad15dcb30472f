import pytest
from run_fixtures import SPEC

from gp.errors import RunError, RunRefused
from gp.runs.params import check, declared_parameters, overlay, parse_assignments, read_param_file

DECLARED = declared_parameters(SPEC)


def test_declared_parameters_know_defaults_enums_and_required():
    by_name = {d.name: d for d in DECLARED}
    assert by_name["tile"].value == "T10UDV" and not by_name["tile"].required
    assert by_name["mode"].enum == ("fast", "full")
    assert by_name["bucket"].required


def test_given_values_are_returned_when_all_fit():
    assert check(DECLARED, {"bucket": "b", "mode": "full"}, "p") == {"bucket": "b", "mode": "full"}


def test_unknown_name_is_named_with_the_closest_match():
    with pytest.raises(RunRefused) as err:
        check(DECLARED, {"tiel": "x"}, "workflow_template.sen2cor")
    messages = [d.message for d in err.value.diagnostics]
    assert (
        'workflow_template.sen2cor has no parameter "tiel"; did you mean "tile"? (it declares: tile, mode, bucket)'
        in messages
    )
    # bucket is still missing: both problems are reported at once
    assert any('needs the parameter "bucket"' in m for m in messages)


def test_missing_required_parameter():
    with pytest.raises(RunError, match='needs the parameter "bucket": pass bucket=VALUE'):
        check(DECLARED, {}, "p")


def test_value_outside_enum():
    with pytest.raises(
        RunError, match="parameter \"mode\" is 'slow', not one of its values: fast, full"
    ):
        check(DECLARED, {"bucket": "b", "mode": "slow"}, "p")


def test_a_cron_value_makes_a_required_parameter_optional():
    assert check(overlay(DECLARED, {"bucket": "nightly"}), {}, "cron") == {}


def test_assignments_and_param_file(tmp_path):
    assert parse_assignments(["a=1", "b=x=y", "a=2"]) == {"a": "2", "b": "x=y"}
    with pytest.raises(RunError, match="expected NAME=VALUE"):
        parse_assignments(["novalue"])
    f = tmp_path / "p.yaml"
    f.write_text("tile: T11UNQ\ncount: 3\nlist: [1, 2]\n")
    assert read_param_file(f) == {"tile": "T11UNQ", "count": "3", "list": "[1, 2]"}
    f.write_text("- a\n")
    with pytest.raises(RunError, match="must map parameter names"):
        read_param_file(f)
