// Start the interactive reference on the OpenAPI document the page names.
// Kept out of the page itself: the Content-Security-Policy allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({
    url: document.body.dataset.specUrl,
    dom_id: "#reference",
    deepLinking: true,
    persistAuthorization: false,
    validatorUrl: null, // never ask an outside service to check the document
  });
});
