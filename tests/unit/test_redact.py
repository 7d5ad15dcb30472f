"""gp/redact.py: what text a person reads may show of a secret, and of terminal control."""

from __future__ import annotations

from gp.redact import MASK, escape_controls, mask_text, secrets_of
from gp.render.mask import mask_value

PEM = "-----BEGIN KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END KEY-----"


def test_every_line_of_a_multi_line_secret_is_masked_alone():
    for line in PEM.splitlines():
        assert MASK in mask_text(f"log: {line}", [PEM]), line
    assert mask_text(PEM, [PEM]) == MASK
    # each line also where text is masked by whole values (a node's outputs)
    assert mask_value({"out": "hkiG9w0BAQEFAASC"}, [PEM]) == {"out": MASK}
    assert "hkiG9w0BAQEFAASC" in secrets_of([PEM])


def test_short_and_blank_lines_of_a_secret_are_not_masked_alone():
    found = secrets_of(["ab\n\n   \nlong-enough\r\nxy"])
    assert "long-enough" in found and "ab" not in found and "" not in found
    assert mask_text("ab cd", ["ab\nlong-enough"]) == "ab cd"


def test_control_characters_are_shown_escaped():
    assert escape_controls("a\x1b[2Jb") == "a^[[2Jb"
    assert escape_controls("x\ry") == "x\\ry"
    assert escape_controls("bell\x07 c1\x9b31m del\x7f") == "bell^G c1\\x9b31m del^?"
    assert escape_controls("tab\tand\nnewline") == "tab\tand\nnewline"
    assert escape_controls("one line\nonly", newlines=False) == "one line\\nonly"
    assert escape_controls("plain ü ✓") == "plain ü ✓"
    assert escape_controls("abc\u202edcba") == "abc\\u202edcba"  # a bidi override reorders
