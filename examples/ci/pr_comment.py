#!/usr/bin/env python3
"""Keep one gp plan comment on a pull request: create it, update it on each push, and when
the plan has no changes any more, delete it (--on-empty delete) or say so (--on-empty note).

The comment is found by a hidden marker (an HTML comment naming the module directory) and
its author (the token's own login), so each module has its own comment, a push never adds
another one, and a person's comment that quotes the marker is never edited or deleted. Only the
standard library; the GitHub API calls go through one ``Transport`` function, which the tests
replace.

    python3 pr_comment.py --repo OWNER/NAME --pr 42 --body-file plan.md --changes true \\
        --key pipelines [--on-empty note|delete] [--author LOGIN]

GITHUB_TOKEN (or GH_TOKEN) authenticates; GITHUB_API_URL overrides https://api.github.com.
The author is the token's login (GET /user); the Actions token may not read it, and then its
comments' author, github-actions[bot], is assumed: --author names another (a GitHub App's
"NAME[bot]").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

# (method, path, JSON body or None) -> (status, decoded JSON or None)
Transport = Callable[[str, str, dict | None], "tuple[int, Any]"]
LIMIT = 65_536
NO_CHANGES = "**No changes.** The pipelines match the configuration of this pull request."
# Who posts with the GITHUB_TOKEN of a GitHub Actions run (that token cannot read GET /user).
ACTIONS_LOGIN = "github-actions[bot]"


def marker(key: str) -> str:
    """The hidden HTML comment naming the key; a key cannot end it early ("-->")."""
    safe = re.sub(r"[<>&%\x00-\x1f\x7f]", lambda m: f"%{ord(m.group()):02X}", key)
    return f"<!-- gp-plan-comment: {safe} -->"


def whoami(call: Transport) -> str:
    """The token's own login, or the Actions token's comment author when it may not say."""
    try:
        status, user = call("GET", "/user", None)
    except urllib.error.HTTPError:
        return ACTIONS_LOGIN
    return str((user or {}).get("login") or ACTIONS_LOGIN) if status == 200 else ACTIONS_LOGIN


def github(token: str, api: str = "https://api.github.com") -> Transport:
    def call(method: str, path: str, body: dict | None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            api + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(req) as resp:  # an HTTP error raises: the job fails loudly
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None

    return call


def find_comment(call: Transport, repo: str, pr: int, key: str, author: str) -> dict | None:
    """Our comment: the one that starts with the marker and was written by ``author``, through
    every page of the pull request's comments."""
    page = 1
    while True:
        _, comments = call(
            "GET", f"/repos/{repo}/issues/{pr}/comments?per_page=100&page={page}", None
        )
        for comment in comments or []:
            if (comment.get("user") or {}).get("login") == author and (
                comment.get("body") or ""
            ).startswith(marker(key)):
                return comment
        if not comments or len(comments) < 100:
            return None
        page += 1


def body_for(plan_md: str, key: str) -> str:
    """The marker, then the plan; cut (never past GitHub's limit) if gp's own cut is not enough."""
    text = marker(key) + "\n" + plan_md
    if len(text) > LIMIT:
        note = "\n\n_Cut to fit GitHub's comment size limit._\n"
        text = text[: LIMIT - len(note)] + note
    return text


def sync(
    call: Transport,
    repo: str,
    pr: int,
    key: str,
    plan_md: str,
    changes: bool,
    on_empty: str = "note",
    author: str | None = None,
) -> str:
    """Make the pull request's gp comment match the plan; returns what it did. ``author``:
    whose comment is ours (None: the token's own login)."""
    existing = find_comment(call, repo, pr, key, author or whoami(call))
    if not changes:
        if existing is None:
            return "nothing"  # no changes, and none were ever reported: stay quiet
        if on_empty == "delete":
            call("DELETE", f"/repos/{repo}/issues/comments/{existing['id']}", None)
            return "deleted"
        plan_md = NO_CHANGES + "\n"
    body = body_for(plan_md, key)
    if existing is None:
        call("POST", f"/repos/{repo}/issues/{pr}/comments", {"body": body})
        return "created"
    if existing.get("body") == body:
        return "unchanged"
    call("PATCH", f"/repos/{repo}/issues/comments/{existing['id']}", {"body": body})
    return "updated"


def main(argv: list | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--pr", type=int, required=True)
    ap.add_argument("--body-file", required=True)
    ap.add_argument("--changes", choices=["true", "false"], required=True)
    ap.add_argument("--key", default="default", help="one comment per key (the module directory)")
    ap.add_argument("--on-empty", choices=["note", "delete"], default="note")
    ap.add_argument("--author", help="the login our comments carry (default: the token's)")
    args = ap.parse_args(argv)
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if not token:
        print("Error: set GITHUB_TOKEN or GH_TOKEN", file=sys.stderr)
        return 1
    with open(args.body_file, encoding="utf-8") as f:
        plan_md = f.read()
    call = github(token, os.environ.get("GITHUB_API_URL", "https://api.github.com"))
    did = sync(
        call,
        args.repo,
        args.pr,
        args.key,
        plan_md,
        args.changes == "true",
        args.on_empty,
        args.author,
    )
    print(f"gp plan comment: {did}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
