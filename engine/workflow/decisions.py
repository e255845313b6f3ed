"""Run DMN decision tables so that a failing one stops its instance with an incident.

SpiffWorkflow's business rule task wraps whatever a decision raises, the
sandbox's own ``ScriptError`` included, in its ``WorkflowTaskException``: the
engine could not tell it from a bug, and a broken routing table answered
every new case with a 500. Here a decision's failure is a ``ScriptError``
located at the business rule task and worded with the decision, the rule and
the column, so ``advance`` opens an incident as it does for a failing script.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs import BusinessRuleTaskMixin
from SpiffWorkflow.dmn.specs.model import HitPolicy
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask
from SpiffWorkflow.util.deep_merge import DeepMerge

from engine.common.errors import ScriptError

__all__ = ["DecisionParser"]

_MAX_REASON = 500  # an incident repeats the reason; a decision's values may be long


class _Decision(DMNEngine):
    """SpiffWorkflow's decision table engine, its failures located for the process owner."""

    def __init__(self, decision_table: Any, decision_id: str) -> None:
        super().__init__(decision_table)
        self.decision_id = decision_id

    def decide(self, task: Any) -> list[Any]:
        matched = []
        for rule in self.decision_table.rules:
            if self._matches(rule, task):
                matched.append(rule)
                if self.decision_table.hit_policy == HitPolicy.UNIQUE.value:
                    break
        return matched

    def result(self, task: Any) -> dict[str, Any]:
        matched = self.decide(task)
        collect = self.decision_table.hit_policy == HitPolicy.COLLECT.value
        outputs = []
        for rule in matched if collect else matched[:1]:  # else the first match decides
            with self._locating(task, f"rule {rule.row_number}, its outputs"):
                outputs.append(rule.output_as_dict(task))
        if not collect:
            return outputs[0] if outputs else {}
        collected: dict[str, list[Any]] = {}
        for output in outputs:
            for key, value in output.items():
                collected.setdefault(key, []).append(value)
        return collected

    def _matches(self, rule: Any, task: Any) -> bool:
        for number, entry in enumerate(rule.inputEntries, 1):
            column = entry.input.label or entry.input.name or entry.input.id
            with self._locating(task, f"rule {rule.row_number}, input column {number} "
                                      f"({column})"):
                for match in entry.lhs:
                    if match is None:  # "-": any value matches
                        continue
                    # With no input expression SpiffWorkflow reads the variable named
                    # like the column's label; validation lets that through only for a plain name.
                    expression = entry.input.expression or repr(task.data[entry.input.label])
                    if not self.evaluate(expression, match, task):
                        return False
        return True

    @contextmanager
    def _locating(self, task: Any, place: str) -> Iterator[None]:
        where = f"decision '{self.decision_id}', {place}"
        try:
            yield
        except ScriptError as error:
            # Reworded in place: its kind (refused, over budget, ...) is what the incident shows.
            reason = error.message.removeprefix(f"line {error.line}: ")  # always 1 in a cell
            error.message = f"{where}: {reason}"
            error.args = (error.message,)
            error.element_id, error.line = task.task_spec.bpmn_id, None
            raise
        except Exception as error:
            reason = (str(error) or type(error).__name__)[:_MAX_REASON]
            raise ScriptError(f"{where}: {reason}",
                              element_id=task.task_spec.bpmn_id) from error


class _BusinessRuleTask(BusinessRuleTask):
    """A business rule task whose decision's ScriptError reaches the engine unwrapped."""

    def _run_hook(self, my_task: Any) -> bool:
        my_task.data = DeepMerge.merge(my_task.data, self.dmnEngine.result(my_task))
        # Past BusinessRuleTaskMixin, whose _run_hook would wrap the error again.
        return bool(super(BusinessRuleTaskMixin, self)._run_hook(my_task))


class _BusinessRuleTaskParser(BusinessRuleTaskParser):
    def create_task(self) -> _BusinessRuleTask:
        extensions = self.parse_extensions()
        return _BusinessRuleTask(
            self.spec, self.bpmn_id,
            dmnEngine=self.process_parser.parser.get_engine(
                self.get_decision_ref(self.node), self.node),
            prescript=extensions.get("preScript"), postscript=extensions.get("postScript"),
            **self.bpmn_attributes)


class DecisionParser(SpiffBpmnParser):
    """SpiffWorkflow's parser, building business rule tasks that fail into incidents."""

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[type, type]]] = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("businessRuleTask"): (_BusinessRuleTaskParser, _BusinessRuleTask),
    }

    def get_engine(self, decision_ref: str, node: Any) -> _Decision:
        engine = super().get_engine(decision_ref, node)
        return _Decision(engine.decision_table, decision_ref)
