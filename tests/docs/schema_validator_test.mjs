// The validator the live checks rely on must be able to fail: every example of the document passes,
// and responses that break the document (a leaked field, a wrong type, a code that the response
// does not declare, a missing header) are refused. Needs no server.
import { runChecks } from './lib/checks.mjs';
import { checkResponse, deref, loadDocument } from './lib/openapi.mjs';
import { validate } from './lib/schema.mjs';

const USER = {
  id: '3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c1a04',
  email: 'test@example.com',
  username: 'test',
  full_name: null,
  name: 'test',
  phone_number: null,
  is_active: true,
  is_verified: false,
  otp_verified: false,
  created_at: '2026-11-29T16:21:29Z',
};
const HEADERS = { 'content-type': 'application/json', 'x-request-id': 'abc', 'x-content-type-options': 'nosniff' };

function examplesOf(document) {
  const found = [];
  const visit = (node, where) => {
    if (!node || typeof node !== 'object') return;
    if (node.schema && node.examples && !Array.isArray(node.examples)) {
      for (const [key, example] of Object.entries(node.examples)) {
        found.push({ where: `${where}.examples.${key}`, schema: node.schema, value: deref(document, example).value });
      }
    }
    for (const [key, child] of Object.entries(node)) visit(child, `${where}.${key}`);
  };
  visit(document.paths, 'paths');
  visit(document.components.responses, 'components.responses');
  return found;
}

runChecks('docs_schema_validator', (checks) => {
  const document = loadDocument();
  const schema = (name) => ({ $ref: `#/components/schemas/${name}` });
  const refused = (name, value, message) =>
    checks.ok(validate(schema(name), value, document).length > 0, `${name} refuses ${message}`);

  const examples = examplesOf(document);
  checks.ok(examples.length >= 30, `the document has examples (${examples.length})`);
  for (const { where, schema: s, value } of examples) {
    checks.noErrors(validate(s, value, document), `example ${where}`);
  }

  checks.noErrors(validate(schema('User'), USER, document), 'User accepts the contract example');
  refused('User', { ...USER, hashed_password: '$2b$12$abc' }, 'a leaked hash');
  refused('User', { ...USER, id: undefined }, 'a missing id');
  refused('User', (({ id, ...rest }) => rest)(USER), 'no id');
  refused('User', { ...USER, created_at: '29/11/2026' }, 'a date that is not RFC 3339');
  refused('User', { ...USER, is_verified: 'false' }, 'a boolean as a string');
  refused('User', { ...USER, id: 'not-a-uuid' }, 'an id that is not a UUID');
  refused('Token', { access_token: 'x', token_type: 'Bearer', expires_in: 1800 }, 'token_type other than bearer');
  refused('Token', { access_token: 'x', token_type: 'bearer', expires_in: 1.5 }, 'a fractional expires_in');
  refused('Error', { detail: 'x', code: 'Not Snake', message: 'x' }, 'a code that is not snake_case');
  refused('Error', { detail: 'x', message: 'x' }, 'no code');
  refused('ValidationErrorBody', { detail: 'x', code: 'validation_error', message: 'x' }, 'a string detail');
  refused('ValidationErrorBody', { detail: [], code: 'validation_error', message: 'x' }, 'an empty detail');
  refused('ValidationErrorBody', { detail: [{ loc: ['body'], msg: 'x' }], code: 'validation_error', message: 'x' }, 'an item without type');
  refused('Message', { detail: 'x' }, 'no message');

  const wrongCode = { status: 401, headers: { ...HEADERS, 'www-authenticate': 'Bearer' }, text: JSON.stringify({ detail: 'x', code: 'invalid_token', message: 'x' }) };
  checks.ok(checkResponse(document, 'post', '/api/auth/login', wrongCode).length > 0, 'login 401 refuses a code it does not declare');
  const rightCode = { ...wrongCode, text: JSON.stringify({ detail: 'x', code: 'invalid_credentials', message: 'x' }) };
  checks.noErrors(checkResponse(document, 'post', '/api/auth/login', rightCode), 'login 401 accepts invalid_credentials');
  const noChallenge = { ...rightCode, headers: HEADERS };
  checks.ok(checkResponse(document, 'post', '/api/auth/login', noChallenge).length > 0, 'login 401 requires WWW-Authenticate');
  const cached = { status: 200, headers: { ...HEADERS, 'cache-control': 'max-age=60' }, text: JSON.stringify({ access_token: 'x', token_type: 'bearer', expires_in: 60 }) };
  checks.ok(checkResponse(document, 'post', '/api/auth/login', cached).length > 0, 'a token response requires Cache-Control: no-store');
  const undeclared = { status: 418, headers: HEADERS, text: '{}' };
  checks.ok(checkResponse(document, 'get', '/health', undeclared).length > 0, 'an undeclared status is refused');
  const html = { status: 200, headers: { ...HEADERS, 'content-type': 'text/html' }, text: '<p>' };
  checks.ok(checkResponse(document, 'get', '/health', html).length > 0, 'HTML is refused where JSON is documented');
  const invalidJson = { status: 422, headers: HEADERS, text: JSON.stringify({ detail: 'Request body is not valid JSON', code: 'invalid_json', message: 'x' }) };
  checks.noErrors(checkResponse(document, 'post', '/api/auth/register', invalidJson), 'register 422 accepts invalid_json');
  const limited = { status: 429, headers: HEADERS, text: JSON.stringify({ detail: 'x', code: 'rate_limited', message: 'x' }) };
  checks.ok(checkResponse(document, 'post', '/api/auth/login', limited).length > 0, 'a 429 requires Retry-After');

  let threw = false;
  try {
    validate({ type: 'string', contentEncoding: 'base64' }, 'x', document);
  } catch {
    threw = true;
  }
  checks.ok(threw, 'an unsupported keyword stops the validator instead of passing');
});
