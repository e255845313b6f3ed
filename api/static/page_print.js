// A report page's print button: a file, not inline script, so the page's CSP allows it.
document.getElementById("print-page")?.addEventListener("click", () => window.print());
