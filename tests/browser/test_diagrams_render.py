"""Every shipped diagram opens in bpmn-js, the modeler process owners use, without warnings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from engine.common.settings import PROJECT_ROOT

DIAGRAMS = sorted(p.name for p in (PROJECT_ROOT / "processes").glob("*.bpmn"))

VIEWER_PAGE = """<!doctype html><meta charset="utf-8"><div id="canvas" style="height:800px"></div>
<script src="/node_modules/bpmn-js/dist/bpmn-viewer.production.min.js"></script>
<script>
  (async () => {
    const viewer = new BpmnJS({container: '#canvas'});
    try {
      const xml = await (await fetch('/processes/DIAGRAM')).text();
      const {warnings} = await viewer.importXML(xml);
      const shapes = viewer.get('elementRegistry').getAll().map(e => e.id);
      window.result = {warnings: warnings.map(w => w.message), shapes};
    } catch (error) {
      window.result = {error: String(error)};
    }
  })();
</script>"""


@pytest.mark.parametrize("diagram", DIAGRAMS)
def test_the_diagram_renders_in_bpmn_js(page: Page, repo_server: str, diagram: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"{repo_server}/viewer.html", lambda route: route.fulfill(
        content_type="text/html", body=VIEWER_PAGE.replace("DIAGRAM", diagram)))
    page.goto(f"{repo_server}/viewer.html")
    page.wait_for_function("window.result !== undefined", timeout=15_000)
    result = page.evaluate("window.result")
    assert errors == [] and "error" not in result, (errors, result)
    assert result["warnings"] == []
    # Every shape and edge of the diagram interchange was drawn, not just parsed.
    xml = (PROJECT_ROOT / "processes" / diagram).read_text()
    drawn = set(re.findall(r'bpmnElement="([^"]+)"', xml))
    assert drawn and drawn <= set(result["shapes"])
