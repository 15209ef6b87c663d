// Starts Swagger UI on /docs. A separate file (not an inline script) so that the page's
// Content-Security-Policy can forbid inline scripts. Everything is served by this server:
// the document from /openapi.json, no validator badge, no external URL.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'BaseLayout',
    // The default sends the document to validator.swagger.io: nothing may leave the network.
    validatorUrl: null,
    displayRequestDuration: true,
    showExtensions: true,
    showCommonExtensions: true,
    // A token typed into "Authorize" should not outlive the tab.
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
