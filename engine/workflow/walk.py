"""Walk a workflow's tasks, subprocesses included, without the library's depth-limited iterator."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask


def all_tasks(workflow: BpmnWorkflow) -> Iterator[SpiffTask]:
    """Every task of the workflow and its subprocesses, without the depth-limited iterator."""
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def find_task(workflow: BpmnWorkflow, task_id: str) -> SpiffTask | None:
    """A task by its id string anywhere in the workflow."""
    try:
        key = UUID(task_id)
    except (TypeError, ValueError):
        return None
    found = workflow.tasks.get(key)
    if found is None:
        found = next((sub.tasks[key] for sub in workflow.subprocesses.values() if key in sub.tasks), None)
    return found
