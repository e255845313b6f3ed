/* The case page's diagrams: draw each with the bpmn-js viewer and mark the steps done
   and the steps waiting. The data sits in a JSON block beside each canvas (see
   templates/cases/show.html); the page has no inline script. */
(function () {
  "use strict";

  function mark(viewer, ids, marker) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    ids.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      }
    });
  }

  function draw(figure) {
    var block = document.getElementById(figure.getAttribute("data-diagram"));
    var container = figure.querySelector(".diagram-canvas");
    var data = JSON.parse(block.textContent);
    var viewer = new window.BpmnJS({ container: container });
    figure.setAttribute("data-state", "drawing");
    return viewer.importXML(data.xml).then(function () {
      mark(viewer, data.completed, "lx-done");
      mark(viewer, data.current, "lx-current");
      viewer.get("canvas").zoom("fit-viewport", "auto");
      figure.setAttribute("data-state", "ready");
    }).catch(function (error) {
      figure.setAttribute("data-state", "failed");
      container.textContent = figure.getAttribute("data-failed") || "";
      console.error(error);
    });
  }

  function drawAll() {
    if (typeof window.BpmnJS !== "function") {
      return;
    }
    document.querySelectorAll("figure[data-diagram]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
