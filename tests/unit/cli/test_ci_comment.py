"""examples/ci/pr_comment.py keeps one gp comment per pull request (a fake GitHub here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[3] / "examples" / "ci" / "pr_comment.py"
spec = importlib.util.spec_from_file_location("pr_comment", SCRIPT)
pr_comment = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pr_comment)

REPO, PR = "geo/pipelines", 42


BOT = "github-actions[bot]"


class FakeGitHub:
    """Issue comments of one pull request, paged by 100 as the API pages them, each with its
    author; ``login`` is the token's own (None: GET /user is refused, as it is for the Actions
    token)."""

    def __init__(self, comments: list[dict] | None = None, login: str | None = BOT):
        self.comments = comments or []
        self.calls: list[tuple[str, str]] = []
        self.next_id = 1000
        self.login = login

    def __call__(self, method: str, path: str, body: dict | None):
        self.calls.append((method, path.split("?")[0]))
        if method == "GET" and path == "/user":
            if self.login is None:
                raise pr_comment.urllib.error.HTTPError(path, 403, "Forbidden", {}, None)
            return 200, {"login": self.login}
        if method == "GET":
            page = int(path.split("page=")[-1])
            return 200, self.comments[(page - 1) * 100 : page * 100]
        if method == "POST":
            self.next_id += 1
            author = self.login or BOT
            self.comments.append(
                {"id": self.next_id, "body": body["body"], "user": {"login": author}}
            )
            return 201, self.comments[-1]
        cid = int(path.rsplit("/", 1)[1])
        comment = next(c for c in self.comments if c["id"] == cid)
        if method == "PATCH":
            comment["body"] = body["body"]
            return 200, comment
        self.comments.remove(comment)
        return 204, None


def others(n: int) -> list[dict]:
    return [{"id": i, "body": f"review remark {i}", "user": {"login": "ana"}} for i in range(n)]


@pytest.mark.parametrize("login", [BOT, "gp-bot", None])
def test_a_users_comment_quoting_the_marker_is_never_taken_for_ours(login):
    quoting = {
        "id": 7,
        "body": f"why is {pr_comment.marker('pipelines')} here?",
        "user": {"login": "ana"},
    }
    gh = FakeGitHub([dict(quoting)], login=login)
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "plan v1", True) == "created"
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "", False, on_empty="delete") == "deleted"
    assert gh.comments == [quoting]  # the user's comment: neither edited nor deleted


def test_the_author_can_be_named_when_the_token_cannot_say():
    gh = FakeGitHub(login=None)
    gh.comments.append(
        {
            "id": 3,
            "body": pr_comment.marker("pipelines") + "\nold",
            "user": {"login": "gp-app[bot]"},
        }
    )
    assert (
        pr_comment.sync(gh, REPO, PR, "pipelines", "new", True, author="gp-app[bot]") == "updated"
    )
    assert gh.comments[0]["body"].endswith("\nnew")


def test_a_key_cannot_end_the_hidden_marker():
    assert "-->" not in pr_comment.marker("a --> <b>x</b>")[4:-3]


def test_first_push_creates_then_later_pushes_update_the_same_comment():
    gh = FakeGitHub(others(3))
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "plan v1", True) == "created"
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "plan v2", True) == "updated"
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "plan v2", True) == "unchanged"
    ours = [c for c in gh.comments if pr_comment.marker("pipelines") in c["body"]]
    assert len(ours) == 1 and ours[0]["body"].endswith("\nplan v2")
    assert len(gh.comments) == 4


def test_the_comment_is_found_past_the_first_page():
    gh = FakeGitHub(others(150))
    pr_comment.sync(gh, REPO, PR, "pipelines", "plan v1", True)
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "plan v2", True) == "updated"
    assert ("GET", f"/repos/{REPO}/issues/{PR}/comments") in gh.calls
    assert sum(pr_comment.marker("pipelines") in c["body"] for c in gh.comments) == 1


def test_each_module_has_its_own_comment():
    gh = FakeGitHub()
    pr_comment.sync(gh, REPO, PR, "pipelines/a", "plan a", True)
    pr_comment.sync(gh, REPO, PR, "pipelines/b", "plan b", True)
    assert pr_comment.sync(gh, REPO, PR, "pipelines/a", "plan a2", True) == "updated"
    assert [c["body"].split("\n", 1)[1] for c in gh.comments] == ["plan a2", "plan b"]


def test_an_empty_plan_says_no_changes_in_the_same_comment():
    gh = FakeGitHub()
    pr_comment.sync(gh, REPO, PR, "pipelines", "plan v1", True)
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "No changes.", False) == "updated"
    assert len(gh.comments) == 1 and pr_comment.NO_CHANGES in gh.comments[0]["body"]


def test_an_empty_plan_deletes_the_comment_when_asked():
    gh = FakeGitHub(others(1))
    pr_comment.sync(gh, REPO, PR, "pipelines", "plan v1", True)
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "", False, on_empty="delete") == "deleted"
    assert gh.comments == others(1)


def test_no_changes_and_no_comment_posts_nothing():
    gh = FakeGitHub()
    assert pr_comment.sync(gh, REPO, PR, "pipelines", "", False) == "nothing"
    assert {m for m, _ in gh.calls} == {"GET"}  # who we are, then the comments


def test_the_body_never_passes_githubs_limit():
    gh = FakeGitHub()
    pr_comment.sync(gh, REPO, PR, "pipelines", "x" * 70_000, True)
    assert len(gh.comments[0]["body"]) <= 65_536
    assert gh.comments[0]["body"].startswith(pr_comment.marker("pipelines"))


def test_main_needs_a_token(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    (tmp_path / "plan.md").write_text("plan")
    args = [
        "--repo",
        REPO,
        "--pr",
        "1",
        "--body-file",
        str(tmp_path / "plan.md"),
        "--changes",
        "true",
    ]
    assert pr_comment.main(args) == 1
    assert "GITHUB_TOKEN" in capsys.readouterr().err


@pytest.mark.parametrize("changes", ["true", "false"])
def test_main_reads_the_plan_and_reports(tmp_path, monkeypatch, capsys, changes):
    gh = FakeGitHub()
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setattr(pr_comment, "github", lambda token, api: gh)
    (tmp_path / "plan.md").write_text("the plan")
    args = [
        "--repo",
        REPO,
        "--pr",
        str(PR),
        "--body-file",
        str(tmp_path / "plan.md"),
        "--changes",
        changes,
    ]
    assert pr_comment.main(args) == 0
    expected = "created" if changes == "true" else "nothing"
    assert capsys.readouterr().out == f"gp plan comment: {expected}\n"
