"""The UI of a module with environments: a selector on every page, the environments side by
side on /envs, and no selector for a module without them."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import client_for, csrf_of

from gp.cli.main import main

ENVS = """\
gp {
  stack = "geo"
}

environment "dev" {
  provider "directory" {
    path      = "deploy-dev"
    namespace = "pipeline-dev"
  }
  variables = { schedule = "*/15 * * * *" }
}

environment "prod" {
  provider "directory" {
    path      = "deploy-prod"
    namespace = "pipeline"
  }
  promote_from = "dev"
}

variable "schedule" {
  type    = string
  default = "0 2 * * *"
}

workflow_template "sen2cor" {
  step "correct" {
    container {
      image = "geo/sen2cor:2.9.0"
    }
  }
}

cron_workflow "nightly" {
  schedules         = [var.schedule]
  workflow_template = workflow_template.sen2cor
}
"""


def repository(root: Path) -> Path:
    module = root / "pipelines"
    module.mkdir(parents=True)
    (module / "main.gp.hcl").write_text(ENVS)
    return module


def test_every_page_works_on_the_chosen_environment(tmp_path: Path) -> None:
    module = repository(tmp_path / "repo")
    assert main(["apply", "-C", str(module), "--env", "dev", "--auto-approve"]) == 0
    client = client_for(module)
    home = client.get("/")
    assert home.status_code == 200, home.text
    assert '<option value="dev" selected>dev</option>' in home.text
    assert '<option value="prod">prod</option>' in home.text
    assert "Stack <code>geo-dev</code>" in home.text
    assert "Stack <code>geo-prod</code>" in client.get("/?env=prod").text

    chosen = client.post(
        "/env",
        data={"env": "prod", "back": "/schedules", "csrf": csrf_of(home.text)},
        follow_redirects=False,
    )
    assert (chosen.status_code, chosen.headers["location"]) == (303, "/schedules")
    assert "Stack <code>geo-prod</code>" in client.get("/").text
    schedules = client.get("/schedules").text
    assert '<option value="prod" selected>prod</option>' in schedules
    assert "0 2 * * *" in schedules and "*/15 * * * *" not in schedules
    # An unknown name, or a way off the site, changes nothing.
    again = client.post(
        "/env",
        data={"env": "nope", "back": "//evil.example", "csrf": csrf_of(home.text)},
        follow_redirects=False,
    )
    assert again.headers["location"] == "/"
    assert "Stack <code>geo-prod</code>" in client.get("/").text
    # A way back through a backslash is refused too; the choice itself is kept.
    sneaky = client.post(
        "/env",
        data={"env": "dev", "back": "/\\evil.example", "csrf": csrf_of(home.text)},
        follow_redirects=False,
    )
    assert sneaky.headers["location"] == "/"
    assert "Stack <code>geo-dev</code>" in client.get("/").text


def test_the_environments_page_shows_them_side_by_side(tmp_path: Path) -> None:
    module = repository(tmp_path / "repo")
    assert main(["apply", "-C", str(module), "--env", "dev", "--auto-approve"]) == 0
    page = client_for(module).get("/envs")
    assert page.status_code == 200, page.text
    assert page.text.count('class="card env') == 2
    assert 'data-env="dev"' in page.text and 'data-env="prod"' in page.text
    assert "stack geo-dev" in page.text and "stack geo-prod" in page.text
    assert "(namespace pipeline-dev)" in page.text
    assert "never" in page.text and "from dev" in page.text


def test_a_module_without_environments_has_no_selector(workspace: Path) -> None:
    page = client_for(workspace / "examples" / "nightly").get("/")
    assert page.status_code == 200
    assert "envpick" not in page.text and 'href="/envs"' not in page.text
