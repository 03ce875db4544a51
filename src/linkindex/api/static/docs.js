// Starts Swagger UI on /docs over this server's OpenAPI document (a file: the page's
// Content-Security-Policy runs no inline script).
// validatorUrl null: Swagger UI would otherwise load a badge from its public validator.
window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui", validatorUrl: null });
