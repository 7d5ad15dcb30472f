"""The generated stack the kubectl comparison runs on: N WorkflowTemplates of 5 to 15 steps and
N/5 CronWorkflows, spread over several files and namespaces, for the kubernetes provider."""

from __future__ import annotations

from pathlib import Path

NAMESPACES = ("bench-a", "bench-b", "bench-c")

STEP = """
  step "s{j}" {{{depends}
    container {{
      image   = "{image}"
      command = ["run", "--part", "{j}"]
      args    = ["{{{{workflow.parameters.tile}}}}", "--id", "{i}"]
      env     = {{ LOG_LEVEL = "info", PART = "{j}" }}
    }}
  }}
"""

TEMPLATE = """
workflow_template "pipe-{i}" {{
  namespace     = "{ns}"
  node_selector = {{ pipeline = "small" }}

  toleration {{
    key      = "ga.nodepool/type"
    operator = "Exists"
    effect   = "NoSchedule"
  }}

  parameter "tile" {{
    value = "T10UDV"
  }}
{steps}}}
"""

CRON = """
cron_workflow "nightly-{i}" {{
  namespace         = "{ns}"
  schedule          = "{minute} 2 * * *"
  timezone          = "UTC"
  workflow_template = workflow_template.pipe-{i}
  arguments         = {{ tile = "T11UNQ" }}
}}
"""


def steps_of(i: int) -> int:
    return 5 + (i * 7) % 11  # 5 to 15, spread evenly


def namespace_of(i: int, prefix: str) -> str:
    return f"{prefix}-{NAMESPACES[i % len(NAMESPACES)].split('-')[1]}"


def template(i: int, prefix: str, image: str) -> str:
    steps = []
    for j in range(steps_of(i)):
        depends = f'\n    depends = "s{j - 1}"' if j else ""
        steps.append(STEP.format(j=j, i=i, depends=depends, image=image))
    return TEMPLATE.format(i=i, ns=namespace_of(i, prefix), steps="".join(steps))


def header(stack: str, kubeconfig: Path | None, prefix: str) -> str:
    """The gp and provider blocks: the kubernetes provider, or with no kubeconfig the directory
    provider (a GitOps folder beside the module)."""
    if kubeconfig is None:
        provider = (
            f'provider "directory" {{\n  path      = "deploy"\n  namespace = "{prefix}-a"\n}}\n'
        )
    else:
        provider = (
            f'provider "kubernetes" {{\n  kubeconfig = "{kubeconfig}"\n'
            f'  namespace  = "{prefix}-a"\n}}\n'
        )
    return f'gp {{\n  stack = "{stack}"\n}}\n\n' + provider


def files_for(n: int) -> int:
    return max(2, min(20, n // 50))


def write(
    root: Path,
    n: int,
    stack: str,
    kubeconfig: Path | None,
    prefix: str,
    changed: frozenset[int] = frozenset(),
    image: str = "geo/tool:2.1",
) -> list[Path]:
    """The module in ``root``; templates whose index is in ``changed`` get ``image``. With no
    kubeconfig, the module's provider is a folder (``header``)."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("*.gp.hcl"):
        old.unlink()
    (root / "main.gp.hcl").write_text(header(stack, kubeconfig, prefix))
    files = files_for(n)
    per_file = -(-n // files)
    paths = [root / "main.gp.hcl"]
    for f in range(files):
        chunk = range(f * per_file, min(n, (f + 1) * per_file))
        text = []
        for i in chunk:
            text.append(template(i, prefix, image if i in changed else "geo/tool:2.0"))
            if i % 5 == 0:
                text.append(CRON.format(i=i, ns=namespace_of(i, prefix), minute=i % 60))
        path = root / f"pipes_{f:03d}.gp.hcl"
        path.write_text("".join(text))
        paths.append(path)
    return paths


def namespaces(prefix: str) -> list[str]:
    return [f"{prefix}-{ns.split('-')[1]}" for ns in NAMESPACES]
