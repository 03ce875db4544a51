// Starts Swagger UI on /docs over this server's OpenAPI document (a file: the page's
// Content-Security-Policy runs no inline script).
window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui" });
