from datetime import UTC, datetime

from rich.console import Console
from run_fixtures import node, workflow

from gp.render.watch_screen import screen
from gp.runs.dag import rows_of
from gp.runs.model import run_from_workflow

NOW = datetime(2025, 1, 1, 0, 1, 0, tzinfo=UTC)


def _draw(run, width, height) -> list[str]:
    console = Console(
        width=width, height=height, record=True, color_system=None, file=open("/dev/null", "w")
    )
    console.print(screen(run, rows_of(run, NOW), NOW, width, height))
    return console.export_text().rstrip("\n").split("\n")


def test_the_screen_fits_the_terminal_and_keeps_failed_tasks_in_view():
    many = {
        "entrypoint": "main",
        "templates": [
            {
                "name": "main",
                "dag": {
                    "tasks": [
                        {"name": f"task-{i:02d}-with-a-rather-long-name", "template": "t"}
                        for i in range(30)
                    ]
                },
            }
        ],
    }
    wf = workflow(
        nodes=[
            node("wf-1", "", "Running", "DAG"),
            node("wf-1", ".task-25-with-a-rather-long-name", "Failed", message="x" * 200),
        ]
    )
    wf["status"]["storedWorkflowTemplateSpec"] = many
    lines = _draw(run_from_workflow(wf), 40, 12)
    assert len(lines) <= 12 and max(len(ln) for ln in lines) <= 40
    assert any("task-25" in ln for ln in lines)  # a failed task is never cut
    assert "more tasks" in lines[-1]


def test_the_screen_shows_pending_tasks_with_their_state_words():
    wf = workflow(nodes=[node("wf-1", "", "Running", "DAG"), node("wf-1", ".prep", "Running")])
    text = "\n".join(_draw(run_from_workflow(wf), 100, 30))
    assert "prep" in text and "Running" in text
    assert "correct" in text and "Pending" in text and "finalize" in text
