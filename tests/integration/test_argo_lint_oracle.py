"""Argo's own lint as an oracle for gp validate.

Every module gp accepts (examples, golden cases, Argo's corpus after a gp import round trip) is
compiled and handed to `argo lint --offline` (v4.0.5, built from its module); Argo must accept it
too. The broken modules in tests/golden/lint/ must be rejected by both. Where the two disagree
for a reason that is Argo's (a known false positive of the offline lint), the case is listed
below with the reason; any other disagreement fails.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from gp.compile.compiler import compile_object
from gp.compile.module import compile_all
from gp.config import load_module
from gp.errors import GPError
from gp.importer import generate_config

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(d for d in (REPO / "examples").iterdir() if any(d.glob("*.gp.hcl")))
GOLDEN = sorted(
    d for d in (REPO / "tests/golden/cases").iterdir() if (d / "expected.yaml").is_file()
)
BROKEN_ROOT = REPO / "tests/golden/lint"
CORPUS = REPO.parent / "shared/corpus/argo/examples"
# Templates that corpus examples call but the corpus does not hold (see its README).
LINT_CONTEXT = Path(__file__).parent / "lint_context"

LINTABLE = {"Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"}
# Argo files whose objects `argo lint --offline` rejects although Argo runs them, with why.
# The corpus is Argo 4.1's; the lint built here is v4.0.5, which predates these fields.
ARGO_FALSE_POSITIVES: dict[str, str] = {
    "resource-claims-template-override.yaml": "spec.resourceClaims is an Argo 4.1 field: the v4.0.5 lint rejects it as unknown",
    "workflow-level-executor-plugin.yaml": "spec.executorPlugins is an Argo 4.1 field: the v4.0.5 lint rejects it as unknown",
}
# Broken modules gp accepts although Argo rejects them (or the reverse), with why.
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def _broken_cases() -> list[Path]:
    if not BROKEN_ROOT.is_dir():
        return []
    return sorted(d for d in BROKEN_ROOT.iterdir() if any(d.glob("*.gp.hcl")))


def gp_verdict(module_dir: Path) -> tuple[list[str], list[dict]]:
    """gp validate's errors, and the compiled manifests (present even when rules fail)."""
    try:
        module = load_module(module_dir, compile_object=compile_object, env={})
    except GPError as err:
        return [d.message for d in err.diagnostics] or [str(err)], []
    results, diags = compile_all(module)
    errors = [d.message for d in diags if getattr(d, "severity", "error") == "error"]
    return errors, [r.to_object().manifest for r in results]


def argo_lint(
    argo: Path, manifests: list[dict], workdir: Path, context: list[dict] | None = None
) -> tuple[bool, str]:
    """Lint ``manifests`` offline, with ``context`` (templates they refer to) in a file beside
    them: the offline lint knows only the files it is given."""
    workdir.mkdir(parents=True, exist_ok=True)
    paths = [workdir / "objects.yaml"]
    paths[0].write_text(yaml.safe_dump_all(manifests, sort_keys=False))
    if context:
        paths.append(workdir / "context.yaml")
        paths[1].write_text(yaml.safe_dump_all(context, sort_keys=False))
    proc = subprocess.run(
        [str(argo), "lint", "--offline", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def argo(engine_binaries) -> Path:
    return engine_binaries.argo_cli


@pytest.mark.parametrize("module_dir", EXAMPLES + GOLDEN, ids=lambda d: f"{d.parent.name}/{d.name}")
def test_argo_accepts_what_gp_accepts(argo, module_dir, tmp_path):
    errors, manifests = gp_verdict(module_dir)
    assert not errors, errors
    ok, output = argo_lint(argo, manifests, tmp_path)
    assert ok, output


def _referenced(value) -> set[str]:
    """Names of the templates a manifest refers to (templateRef, workflowTemplateRef)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key in ("templateRef", "workflowTemplateRef"):
            if isinstance(value.get(key), dict) and value[key].get("name"):
                found.add(value[key]["name"])
        for v in value.values():
            found |= _referenced(v)
    elif isinstance(value, list):
        for v in value:
            found |= _referenced(v)
    return found


def _context(names: set[str], own: Path, namespace: str | None) -> list[dict]:
    """The corpus's definitions of the templates ``names`` (outside ``own``), placed in the
    namespace gp compiled the example into, where Argo looks a template reference up."""
    out = []
    for path in sorted([*CORPUS.rglob("*.yaml"), *LINT_CONTEXT.glob("*.yaml")]):
        if path == own:
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if not isinstance(doc, dict) or (doc.get("metadata") or {}).get("name") not in names:
                continue
            if doc.get("kind") == "WorkflowTemplate":
                doc["metadata"]["namespace"] = namespace
                out.append(doc)
            elif doc.get("kind") == "ClusterWorkflowTemplate":
                out.append(doc)
    return out


def _corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.yaml"))


@pytest.mark.corpus
@pytest.mark.parametrize("rel", _corpus_files())
def test_argo_accepts_gps_round_trip_of_its_own_examples(argo, rel, tmp_path):
    originals = [d for d in yaml.safe_load_all((CORPUS / rel).read_text()) if d]
    if any(d.get("apiVersion", "").split("/")[0] != "argoproj.io" for d in originals):
        pytest.skip(f"{rel} holds objects that are not Argo's")
    if not any(d.get("kind") in LINTABLE for d in originals):
        pytest.skip(f"{rel} holds no kind argo lint checks ({originals[0].get('kind')})")
    try:
        (tmp_path / "main.gp.hcl").write_text(
            generate_config(originals, source_names=[rel] * len(originals))
        )
    except GPError as err:
        pytest.skip(f"gp import does not express {rel}: {err}")
    errors, manifests = gp_verdict(tmp_path)
    namespace = next((m["metadata"].get("namespace") for m in manifests), None)
    names, context = _referenced(manifests), []
    while True:  # the templates called by the templates called, and so on
        context = _context(names, CORPUS / rel, namespace)
        more = names | _referenced(context)
        if more == names:
            break
        names = more
    ok, output = argo_lint(argo, manifests, tmp_path / "lint", context)
    if rel in ARGO_FALSE_POSITIVES:
        assert not ok, f"{rel} is listed as an Argo false positive but now lints clean"
        return
    assert ok, output
    assert not errors, errors


@pytest.mark.parametrize("case", _broken_cases(), ids=lambda d: d.name)
def test_gp_rejects_what_argo_rejects(argo, case, tmp_path):
    errors, manifests = gp_verdict(case)
    ok, output = argo_lint(argo, manifests, tmp_path) if manifests else (False, "no manifest")
    agree = bool(errors) == (not ok)
    if case.name in KNOWN_DISAGREEMENTS:
        assert not agree, f"{case.name} is listed as a disagreement but gp and Argo now agree"
        return
    assert agree, f"gp errors: {errors}\nargo lint: {output}"
