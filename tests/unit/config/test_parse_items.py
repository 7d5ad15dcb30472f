"""Files are parsed item by item: cut at their top-level items, each item parsed and cached on
its own, with exactly the tree, positions and errors of parsing the file whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from gp.config import chunks, parse_files
from gp.config.parse import parse_text
from gp.config.sourced import SourcedBlock
from gp.errors import GPError

REPO = Path(__file__).resolve().parents[3]

TRICKY = """# a comment { with a brace
locals {
  a = "}"            # a brace in a string
  b = "${ {x = "}"}.x }"
  c = <<-EOT
    }
    not the end: EOT is not alone
    EOT
  d = [
    1, 2,
  ]
  e = "$${not} %%{an interpolation}"
}
/* a block comment
   workflow_template "no" { */
workflow_template "w" {
  // a line comment }
  step "a" {
    container {
      image = "x"
    }
  }
}

# trailing words
"""


def blocks_of(text: str) -> list:
    return [item for _, item in chunks.split(text) or []]


def test_items_are_the_top_level_blocks_with_their_comments():
    items = blocks_of(TRICKY)
    assert "".join(items) == TRICKY
    assert len(items) == 2
    assert items[0].startswith("# a comment") and items[1].startswith("/* a block comment")
    assert items[1].endswith("# trailing words\n")


@pytest.mark.parametrize(
    "text",
    [
        TRICKY,
        *(p.read_text() for p in sorted((REPO / "examples").rglob("*.gp.hcl"))),
        *(p.read_text() for p in sorted((REPO / "modules").rglob("*.gp.hcl"))),
    ],
)
def test_parsed_by_items_it_is_the_tree_of_the_whole_file(text: str, tmp_path: Path):
    path = tmp_path / "f.gp.hcl"
    path.write_text(text)
    (by_items,) = parse_files([path], tmp_path / "cache")
    assert by_items.body == parse_text(text, str(path)).body
    (cached,) = parse_files([path], tmp_path / "cache")
    assert cached.body == by_items.body  # read from the cache: the same, positions too


@pytest.mark.parametrize(
    "text",
    ['x = "open\n', "a {\n", "a {\n  b = <<EOT\n  never closed\n}\n", "a }\n", "/* open\n"],
)
def test_text_the_cut_does_not_follow_is_parsed_whole(text: str):
    assert chunks.split(text) is None


def test_an_edit_parses_one_item(tmp_path: Path):
    path, cache = tmp_path / "f.gp.hcl", tmp_path / "cache"
    body = "".join(
        f'workflow_template "w{i}" {{\n  labels = {{ n = "{i}" }}\n}}\n' for i in range(5)
    )
    path.write_text(body)
    parse_files([path], cache)
    before = set(cache.rglob("*.pickle"))
    path.write_text(body.replace('n = "3"', 'n = "33"'))
    (parsed,) = parse_files([path], cache)
    added = set(cache.rglob("*.pickle")) - before
    assert len(added) == 2  # the edited item's tree and the file's new index
    assert [b.labels for b in parsed.body.blocks] == [(f"w{i}",) for i in range(5)]
    assert parsed.body.blocks[3].body.attrs[0].expr.items[0][1].value == "33"


def test_blocks_from_the_cache_read_their_tree_when_asked(tmp_path: Path):
    path, cache = tmp_path / "f.gp.hcl", tmp_path / "cache"
    path.write_text('workflow_template "a" {\n  x = 1\n}\n\nworkflow_template "b" {\n  x = 2\n}\n')
    (first,) = parse_files([path], cache)
    (second,) = parse_files([path], cache)
    block = second.body.blocks[1]
    assert isinstance(block, SourcedBlock) and block.attr_names == ("x",)
    assert (block.type, block.labels, block.line) == ("workflow_template", ("b",), 5)
    for entry in cache.rglob("*.pickle"):  # the items' trees go away after the index is read
        entry.unlink()
    assert block.body == first.body.blocks[1].body  # parsed again from the file's text


def test_a_syntax_error_is_reported_as_for_the_whole_file(tmp_path: Path):
    text = 'workflow_template "a" {\n  x = 1\n}\n\nworkflow_template "b" {\n  x = = 2\n}\n'
    path = tmp_path / "f.gp.hcl"
    path.write_text(text)
    with pytest.raises(GPError) as by_items:
        parse_files([path], tmp_path / "cache")
    with pytest.raises(GPError) as whole:
        parse_text(text, str(path))
    assert by_items.value.diagnostics == whole.value.diagnostics
    assert by_items.value.diagnostics[0].pos.line == 6


def test_mutated_files_parse_by_items_as_they_parse_whole():
    """Random small edits of real files (brackets, quotes, heredocs, comments): whenever every
    item of the cut parses, the whole file parses to the same tree."""
    import random

    from gp.config.parse import _parse_job
    from gp.config.sourced import joined

    rng = random.Random(21)
    texts = [TRICKY, *(p.read_text() for p in sorted((REPO / "examples").rglob("*.gp.hcl")))]
    pieces = list('{}[]()"#/*<\n\\$%=-ab ') + ["<<EOT\n", "\nEOT\n", "${", "%{", "//", "/*", "*/"]
    compared = 0
    for _ in range(300):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(text) + 1)
            if rng.random() < 0.5:
                text = text[:k] + rng.choice(pieces) + text[k:]
            else:
                text = text[:k] + text[k + rng.randint(1, 3) :]
        items = chunks.split(text)
        if items is None or len(items) < 2:
            continue
        bodies = [_parse_job((item, "f", line)) for line, item in items]
        if any(isinstance(b, GPError) for b in bodies):
            continue  # parse_files then parses the file whole
        compared += 1
        assert joined(bodies) == parse_text(text, "f").body, text
    assert compared > 30
