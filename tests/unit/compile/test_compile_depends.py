import pytest

from gp.compile.depends import BinOp, DependsSyntaxError, Not, Ref, parse, refs


def test_precedence_and_before_or():
    tree = parse("a || b && !c.Failed")
    assert tree == BinOp(
        "||", Ref("a", None, 0), BinOp("&&", Ref("b", None, 5), Not(Ref("c", "Failed", 11)))
    )


def test_parentheses_and_negation_tracking():
    tree = parse("!(a.Succeeded || b-2.AllFailed) && c")
    assert [(r.task, r.result, neg) for r, neg in refs(tree)] == [
        ("a", "Succeeded", True),
        ("b-2", "AllFailed", True),
        ("c", None, False),
    ]


@pytest.mark.parametrize(
    "text, message, offset",
    [
        ("", "empty expression", 0),
        ("a &&", "unexpected end of expression", 4),
        ("(a || b", "unexpected end of expression", 7),
        ("a b", "unexpected 'b'", 2),
        ("a.Done", "unknown task result 'Done'", 2),
        ("a & b", "unexpected '&'", 2),
        ("&& a", "expected a task name, found '&&'", 0),
    ],
)
def test_syntax_errors_with_offsets(text, message, offset):
    with pytest.raises(DependsSyntaxError) as err:
        parse(text)
    assert err.value.message.startswith(message)
    assert err.value.offset == offset
