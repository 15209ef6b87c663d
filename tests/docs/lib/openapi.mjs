// Reads the OpenAPI document and checks real HTTP responses against it.
import { readFileSync } from 'node:fs';

import { resolvePointer, validate } from './schema.mjs';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function loadDocument(path = process.env.CLOCKKO_OPENAPI_SOURCE) {
  if (!path) throw new Error('CLOCKKO_OPENAPI_SOURCE is not set');
  return JSON.parse(readFileSync(path, 'utf8'));
}

/// Follows $ref until a non-reference object.
export function deref(document, node) {
  let current = node;
  for (let depth = 0; current && current.$ref; depth += 1) {
    if (depth > 20) throw new Error(`reference loop at ${node.$ref}`);
    current = resolvePointer(document, current.$ref);
  }
  return current;
}

/// Every operation: {method, path, operation}.
export function operations(document) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

export function findOperation(document, method, path) {
  const item = document.paths[path];
  return item ? item[method.toLowerCase()] : undefined;
}

/// The status codes an operation declares, as strings ("200", "4XX", ...).
export function declaredStatuses(document, method, path) {
  const operation = findOperation(document, method, path);
  return operation ? Object.keys(operation.responses) : [];
}

function responseFor(operation, status) {
  const exact = operation.responses[String(status)];
  if (exact) return exact;
  return operation.responses[`${String(status)[0]}XX`] || operation.responses.default;
}

/// The ways a response {status, headers (lower-case names), text} breaks the document for the
/// operation `method path` (empty when it conforms).
export function checkResponse(document, method, path, response) {
  const where = `${method.toUpperCase()} ${path} -> ${response.status}`;
  const operation = findOperation(document, method, path);
  if (!operation) return [`${where}: the operation is not documented`];
  const declared = responseFor(operation, response.status);
  if (!declared) {
    return [`${where}: status not declared (declared: ${Object.keys(operation.responses).join(', ')})`];
  }
  const spec = deref(document, declared);
  return [...checkHeaders(document, spec, response, where), ...checkBody(document, spec, response, where)];
}

/// Checks a response against a components/responses entry (for 404/405, which no operation
/// declares: they belong to the path or to no path at all).
export function checkAgainstSchema(document, schemaRef, response, where) {
  const contentType = (response.headers['content-type'] || '').split(';')[0].trim();
  if (contentType !== 'application/json') return [`${where}: content type ${contentType}, not JSON`];
  let body;
  try {
    body = JSON.parse(response.text);
  } catch (error) {
    return [`${where}: body is not JSON: ${error.message}`];
  }
  return validate({ $ref: schemaRef }, body, document, `${where} body`);
}

function checkHeaders(document, spec, response, where) {
  const errors = [];
  for (const [name, declared] of Object.entries(spec.headers || {})) {
    const header = deref(document, declared);
    const value = response.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) errors.push(`${where}: missing header ${name}`);
      continue;
    }
    const text = Array.isArray(value) ? value.join(', ') : value;
    errors.push(...validate(header.schema || {}, text, document, `${where} header ${name}`));
  }
  return errors;
}

function checkBody(document, spec, response, where) {
  const content = spec.content || {};
  const mediaTypes = Object.keys(content);
  if (mediaTypes.length === 0) {
    return response.text.length === 0 ? [] : [`${where}: a body was sent but none is documented`];
  }
  const contentType = (response.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  const media = content[contentType];
  if (!media) {
    return [`${where}: content type "${contentType}" is not one of ${mediaTypes.join(', ')}`];
  }
  if (contentType === 'application/json') {
    let body;
    try {
      body = JSON.parse(response.text);
    } catch (error) {
      return [`${where}: body is not JSON: ${error.message}`];
    }
    return validate(media.schema || {}, body, document, `${where} body`);
  }
  return validate(media.schema || {}, response.text, document, `${where} body`);
}
