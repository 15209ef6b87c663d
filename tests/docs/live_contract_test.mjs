// The OpenAPI document against the real server (issue 5). Usage: live_contract_test.mjs MODE
//   routes   every path and method the server answers is documented (probing methods and
//            paths, reading Allow), and every status code each operation declares is produced
//   schemas  every response of those scenarios matches the document: status, content type,
//            body schema and declared headers; no code, hash or password in any response
// Both start two servers: `main` (the flows; CODE_RESEND_SECONDS=0) and `throttled` (a file
// database an operator can edit, and low throttling limits).
import { readFileSync } from 'node:fs';

import { runChecks } from './lib/checks.mjs';
import { request } from './lib/http.mjs';
import { checkAgainstSchema, checkResponse, declaredStatuses, loadDocument, operations } from './lib/openapi.mjs';
import { Context, EXEMPT_STATUSES, PENDING, UNDOCUMENTED_CANDIDATES, scenarios } from './lib/scenarios.mjs';
import { requireMailDev, startServer } from './lib/server.mjs';

const mode = process.argv[2];
if (mode !== 'routes' && mode !== 'schemas') {
  console.error('usage: live_contract_test.mjs routes|schemas');
  process.exit(2);
}
const name = `docs_live_${mode}`;
const PROBED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

async function runScenarios(checks, context) {
  const produced = new Set();
  for (const scenario of scenarios()) {
    const key = `${scenario.method} ${scenario.path} ${scenario.status}`;
    let response;
    try {
      response = await scenario.run(context);
    } catch (error) {
      checks.ok(false, `${key} (${scenario.name}): ${error.message}`);
      continue;
    }
    if (response.status === scenario.status) produced.add(key);
    const pending = PENDING.get(key);
    if (pending) {
      if (response.status === scenario.status) {
        checks.ok(false, `${key} (${scenario.name}) is produced now: remove it from PENDING in lib/scenarios.mjs`);
      } else {
        console.log(`PENDING ${key} (${scenario.name}): got ${response.status}, waits for ${pending}`);
      }
      continue;
    }
    checks.ok(
      response.status === scenario.status,
      `${key} (${scenario.name}): got ${response.status} ${response.text.slice(0, 300)}`,
    );
    if (scenario.then && response.status === scenario.status) {
      scenario.then(response, (condition, message) => checks.ok(condition, message));
    }
  }
  return produced;
}

function allowedMethods(header) {
  return new Set(String(header || '').split(',').map((m) => m.trim().toUpperCase()).filter(Boolean));
}

async function probeRoutes(checks, document, server) {
  const byPath = new Map();
  for (const { method, path } of operations(document)) {
    if (!byPath.has(path)) byPath.set(path, new Set());
    byPath.get(path).add(method.toUpperCase());
  }
  for (const [path, methods] of byPath) {
    const expected = new Set([...methods, 'OPTIONS', ...(methods.has('GET') ? ['HEAD'] : [])]);
    for (const method of PROBED_METHODS.filter((m) => !methods.has(m))) {
      const response = await request(server.baseUrl, { method, path });
      const where = `${method} ${path}`;
      checks.equal(response.status, 405, `${where} (not documented)`);
      checks.equal(response.json && response.json.code, 'method_not_allowed', `${where} code`);
      const allow = allowedMethods(response.headers.allow);
      checks.equal([...allow].sort().join(', '), [...expected].sort().join(', '), `${where} Allow`);
      checks.noErrors(checkAgainstSchema(document, '#/components/schemas/Error', response, where), `${where} body`);
    }
    if (methods.has('GET')) {
      const get = await request(server.baseUrl, { path });
      const head = await request(server.baseUrl, { method: 'HEAD', path });
      checks.equal(head.status, get.status, `HEAD ${path} answers like GET`);
      checks.equal(head.text, '', `HEAD ${path} has no body`);
    }
  }
  for (const path of UNDOCUMENTED_CANDIDATES) {
    // Under /docs/ and /redoc/ the server answers GET for the pages' files (checked below), so
    // a POST there is a 405 of that route, not a 404.
    const methods = /^\/(docs|redoc)\//.test(path) ? ['GET'] : ['GET', 'POST'];
    for (const method of methods) {
      const response = await request(server.baseUrl, { method, path, json: method === 'POST' ? {} : undefined });
      const where = `${method} ${path}`;
      checks.equal(response.status, 404, `${where} is not documented, so it must not be served`);
      if (response.status === 404) {
        checks.noErrors(checkAgainstSchema(document, '#/components/schemas/Error', response, where), `${where} body`);
      }
    }
  }
}

function checkCoverage(checks, document, produced) {
  for (const { method, path } of operations(document)) {
    for (const status of declaredStatuses(document, method, path)) {
      const key = `${method} ${path} ${status}`;
      if (EXEMPT_STATUSES[status]) {
        console.log(`EXEMPT ${key}: ${EXEMPT_STATUSES[status]}`);
      } else if (PENDING.has(key)) {
        console.log(`PENDING ${key}: ${PENDING.get(key)}`);
      } else {
        checks.ok(produced.has(key), `${key} is declared, but no scenario produced it`);
      }
    }
  }
  for (const scenario of scenarios()) {
    const declared = declaredStatuses(document, scenario.method, scenario.path);
    checks.ok(
      declared.includes(String(scenario.status)),
      `${scenario.method} ${scenario.path} ${scenario.status} (${scenario.name}) is produced but not declared`,
    );
  }
}

// The files the pages load, as the server sends them.
async function checkPageAssets(checks, server) {
  for (const page of ['/docs', '/redoc']) {
    const html = (await request(server.baseUrl, { path: page })).text;
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== '/openapi.json');
    checks.ok(urls.length >= 2, `${page} links its assets`);
    for (const url of urls) {
      const response = await request(server.baseUrl, { path: url });
      checks.equal(response.status, 200, `GET ${url}`);
      const type = response.headers['content-type'] || '';
      const expected = url.endsWith('.js') ? 'application/javascript' : url.endsWith('.css') ? 'text/css' : 'image/png';
      checks.ok(type.startsWith(expected), `GET ${url}: content type ${type}`);
      checks.ok(/max-age=31536000/.test(response.headers['cache-control'] || ''), `GET ${url}: long caching`);
      checks.equal(response.headers['x-content-type-options'], 'nosniff', `GET ${url}: nosniff`);
    }
  }
  const served = await request(server.baseUrl, { path: '/openapi.json' });
  checks.ok(served.text === readFileSync(process.env.CLOCKKO_OPENAPI_SOURCE, 'utf8'), '/openapi.json is the repository file');
}

function forbiddenKeys(value, path = '$') {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(/^(hashed_password|password|new_password|otp|code_hash|reset_token|verification_token)$/.test(key) ? [`${path}.${key}`] : []),
    ...forbiddenKeys(child, `${path}.${key}`),
  ]);
}

async function checkShapes(checks, document, context) {
  for (const { method, path, response } of context.exchanges) {
    const where = `${method.toUpperCase()} ${path} -> ${response.status}`;
    if (PENDING.has(`${method} ${path} ${response.status}`)) continue;
    checks.noErrors(checkResponse(document, method, path, response), where);
    // The document itself names password fields and shows example codes: only API answers count.
    if (!path.startsWith('/api/')) continue;
    checks.noErrors(response.json ? forbiddenKeys(response.json) : [], `${where}: secret-looking keys`);
    for (const code of context.codes) {
      checks.ok(!new RegExp(`(^|[^0-9])${code}([^0-9]|$)`).test(response.text), `${where}: a mailed code appears in the body`);
    }
  }
  checks.ok(context.exchanges.length > 50, `enough exchanges checked (${context.exchanges.length})`);
  checks.ok(context.codes.size >= 4, `codes read from MailDev (${context.codes.size})`);
  const echoed = await request(context.main.baseUrl, { path: '/health', headers: { 'X-Request-ID': 'docs-check:1.2_3-4' } });
  checks.equal(echoed.headers['x-request-id'], 'docs-check:1.2_3-4', 'a valid X-Request-ID is echoed');
  const replaced = await request(context.main.baseUrl, { path: '/health', headers: { 'X-Request-ID': 'bad id!' } });
  checks.ok(/^[A-Za-z0-9._:-]{1,128}$/.test(replaced.headers['x-request-id'] || ''), 'an invalid X-Request-ID is replaced');
}

runChecks(name, async (checks) => {
  const mail = requireMailDev(name);
  const document = loadDocument();
  const main = await startServer({ mail, env: { CODE_RESEND_SECONDS: '0' } });
  let throttled;
  try {
    throttled = await startServer({
      mail,
      env: { DATABASE_URL: 'sqlite:///./clockko.db', CODE_RESEND_SECONDS: '60', LOGIN_MAX_FAILURES: '3' },
    });
    const context = new Context({ main, throttled, mail, label: mode });
    const produced = await runScenarios(checks, context);
    if (mode === 'routes') {
      checkCoverage(checks, document, produced);
      await probeRoutes(checks, document, main);
      await checkPageAssets(checks, main);
    } else {
      await checkShapes(checks, document, context);
    }
  } finally {
    for (const [label, server] of [['main', main], ['throttled', throttled]]) {
      if (!server) continue;
      const exit = await server.stop();
      if (!checks.ok(exit && exit.code === 0, `${label} server stopped cleanly on SIGTERM (${JSON.stringify(exit)})`) || checks.failures.length) {
        console.log(`--- ${label} server output (last 4000 characters) ---\n${server.output().slice(-4000)}`);
      }
    }
  }
});
