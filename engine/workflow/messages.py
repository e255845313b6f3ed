"""Deliver a message from one instance to another: the engine's only link between instances.

A round of return visits, or a survey's follow-up round, waits for its last
visit; the visits are instances of their own (children inside one instance grow
its state with every child), so the last one to finish tells the round by
message. Delivery runs in the sender's transaction: either both instances move
on or neither does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.util.event import BpmnEvent

# The parser's own class: SpiffWorkflow matches a message by its exact class and name.
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy.orm import Session

from engine.common import audit
from engine.workflow.instances import advance, load_workflow, lock_instance
from engine.workflow.runtime import Runtime

__all__ = ["deliver_message"]


def deliver_message(session: Session, rt: Runtime, *, instance_id: int, name: str,
                    payload: Mapping[str, Any] | None = None, actor: str | None = None) -> bool:
    """Hand the message ``name`` to the instance; False when nothing there waits for it.

    An instance that is not waiting for the message (it moved on, it stopped at an
    incident, it ended) is left as it is: the sender's work stands either way.
    """
    instance = lock_instance(session, instance_id)
    if instance.status != "running":
        return False
    workflow = load_workflow(session, rt, instance)
    event = BpmnEvent(MessageEventDefinition(name), dict(payload or {}))
    if not workflow.event_manager.catch(event, internal=False):
        return False
    audit.record(session, rt, kind="message_delivered", actor=actor, instance_id=instance.id,
                 process_id=instance.process_id, data={"message": name})
    advance(session, rt, instance, workflow, actor=actor)
    return True
