// /docs and /redoc in headless Chromium (Debian's `chromium`, or CLOCKKO_CHROMIUM): every
// documented operation renders in both; Swagger UI's "Try it out" (POST register) and Authorize (the
// OAuth2 password form) then "Try it out" (GET user) work against the real server; and no request
// leaves loopback — checked three ways: DevTools sees every request a page or worker makes, the
// net log sees every request and socket of the browser, and a resolver that fails every other
// name makes any escape fail rather than succeed. A canary page that does load from outside
// proves the first two detectors see it.
import { execFileSync } from 'node:child_process';
import http from 'node:http';

import { Browser } from './lib/cdp.mjs';
import { runChecks } from './lib/checks.mjs';
import { request } from './lib/http.mjs';
import { loadDocument, operations } from './lib/openapi.mjs';
import { startServer } from './lib/server.mjs';

function chromiumBinary() {
  if (process.env.CLOCKKO_CHROMIUM) return process.env.CLOCKKO_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('chromium is not installed (scripts/install-deps.sh test installs it)');
}

// A page that does what the docs must never do, to prove the detectors see it.
const CANARY_HOST = 'cdn.clockko-canary.test';
const CANARY_PAGE = `<!DOCTYPE html><html><head><script src="http://${CANARY_HOST}/bundle.js"></script></head>
<body><img src="https://${CANARY_HOST}/logo.png"></body></html>`;

function startCanary() {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(CANARY_PAGE);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:', 'chrome:', 'devtools:', 'chrome-extension:']);

function isLocal(url) {
  try {
    const parsed = new URL(url);
    return LOCAL_SCHEMES.has(parsed.protocol) || LOOPBACK_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}

function isLoopbackAddress(address) {
  const host = String(address).replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === '::1' || /^127\./.test(host);
}

/// What the net log says about traffic beyond loopback: `failures` (a TCP connection or a UDP
/// datagram to another address, or a request a docs page asked for), and `notes` (Chromium's
/// own background requests, which the resolver rules made fail before any socket, and the
/// connect-only UDP socket Chromium uses to probe IPv6 routing, which sends nothing).
function netLogFindings(text) {
  const log = JSON.parse(text);
  const typeName = Object.fromEntries(Object.entries(log.constants.logEventTypes).map(([k, v]) => [v, k]));
  const failures = [];
  const notes = [];
  const outsideUdp = new Map(); // source id -> address
  for (const event of log.events) {
    const type = typeName[event.type];
    const params = event.params || {};
    if (type === 'TCP_CONNECT_ATTEMPT' && params.address && !isLoopbackAddress(params.address)) {
      failures.push(`TCP connection attempt to ${params.address}`);
    } else if (type === 'UDP_CONNECT' && params.address && !isLoopbackAddress(params.address)) {
      outsideUdp.set(event.source.id, params.address);
    } else if ((type === 'UDP_BYTES_SENT' || type === 'UDP_SEND_ERROR') && outsideUdp.has(event.source.id)) {
      failures.push(`UDP datagram to ${outsideUdp.get(event.source.id)}`);
    } else if (type === 'URL_REQUEST_START_JOB' && params.url && !isLocal(params.url)) {
      if (params.initiator && isLocal(params.initiator)) {
        failures.push(`${params.initiator} requested ${params.url}`);
      } else {
        notes.push(`Chromium's own request to ${new URL(params.url).host} (no socket: the resolver fails it)`);
      }
    }
  }
  for (const address of new Set(outsideUdp.values())) {
    if (!failures.some((f) => f.includes(address))) notes.push(`connect-only UDP probe of ${address} (no datagram)`);
  }
  return { failures, notes: [...new Set(notes)] };
}

const swaggerOperations = `(() => {
  const found = [...document.querySelectorAll('.opblock')].map((block) => {
    const method = block.querySelector('.opblock-summary-method');
    const path = block.querySelector('.opblock-summary-path');
    return method && path ? method.textContent.trim().toLowerCase() + ' ' + path.getAttribute('data-path') : null;
  }).filter(Boolean);
  return found;
})()`;

// In-page helpers for the person's path through /docs. React inputs need the native value setter
// and an input event.
const PAGE_HELPERS = `
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (find, what) => {
    const end = Date.now() + 15000;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > end) throw new Error('not found: ' + what);
      await sleep(100);
    }
  };
  const type = (input, value) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };`;

// Authorize with the OAuth2 password form (the login endpoint's form variant).
const authorize = (email, password) => `(async () => {${PAGE_HELPERS}
  (await until(() => document.querySelector('.auth-wrapper .authorize'), 'the Authorize button')).click();
  const username = await until(() => document.querySelector('#oauth_username'), 'the OAuth2 username field');
  type(username, ${JSON.stringify(email)});
  type(document.querySelector('#oauth_password'), ${JSON.stringify(password)});
  const container = username.closest('.auth-container');
  container.querySelector('.auth-btn-wrapper .authorize').click();
  const authorized = () => container.querySelector('button[aria-label="Remove authorization"]');
  await until(() => authorized() || container.querySelector('.errors'), 'the authorization result');
  if (!authorized()) throw new Error('authorization failed: ' + container.textContent);
  document.querySelector('.modal-ux .close-modal').click();
  return true;
})()`;

// "Try it out" then "Execute" on one operation (its example body, if any), and what came back.
const tryItOut = (blockId) => `(async () => {${PAGE_HELPERS}
  const block = await until(() => document.getElementById(${JSON.stringify(blockId)}), ${JSON.stringify(blockId)});
  (block.querySelector('.opblock-summary-control') || block.querySelector('.opblock-summary')).click();
  (await until(() => block.querySelector('.try-out__btn'), 'Try it out')).click();
  (await until(() => block.querySelector('.execute'), 'Execute')).click();
  const status = await until(() => block.querySelector('.live-responses-table .response .response-col_status'), 'the response');
  const body = block.querySelector('.live-responses-table .response-col_description pre');
  const curl = block.querySelector('.curl-command') || block.querySelector('.curl');
  return {
    status: status.textContent.trim(),
    body: body ? body.textContent : '',
    bearer: /Authorization: Bearer /.test(curl ? curl.textContent : ''),
  };
})()`;

const redocMissing = (paths, summaries) => `(() => {
  const text = document.body.innerText;
  const missing = [...${JSON.stringify(paths)}, ...${JSON.stringify(summaries)}].filter((t) => !text.includes(t));
  return { ready: missing.length === 0, missing };
})()`;

runChecks('docs_browser', async (checks) => {
  const document = loadDocument();
  const documented = operations(document).map(({ method, path }) => `${method} ${path}`).sort();
  // CLOCKKO_DOCS_BASE_URL points the check at a server already running (e.g. `make run`).
  const external = process.env.CLOCKKO_DOCS_BASE_URL;
  const server = external
    ? { baseUrl: external.replace(/\/+$/, ''), stop: async () => ({ code: 0 }), output: () => '' }
    : await startServer();
  let browser;
  try {
    const email = `docs.browser.${process.pid}@example.com`;
    const password = 'Password123';
    const registered = await request(server.baseUrl, { method: 'POST', path: '/api/auth/register', json: { email, password } });
    checks.equal(registered.status, 201, 'an account to authorize with');

    browser = await Browser.launch(chromiumBinary());
    const page = await browser.newPage();

    const canary = await startCanary();
    await browser.navigate(page, `http://127.0.0.1:${canary.address().port}/canary`);
    await browser.settle(1000);
    canary.close();
    const canaryRequests = browser.requests.filter((r) => r.url.includes(CANARY_HOST));
    checks.equal(canaryRequests.length, 2, 'the check sees a page load a script and an image from outside');
    checks.ok(canaryRequests.every((r) => r.blockedReason !== 'csp'), 'those outside loads were not stopped by a policy');

    await browser.navigate(page, `${server.baseUrl}/docs`);
    let rendered = [];
    try {
      await browser.waitFor(page, `${swaggerOperations}.length >= ${documented.length}`);
    } catch (error) {
      checks.ok(false, `Swagger UI: ${error.message}`);
    }
    rendered = (await browser.evaluate(page, swaggerOperations)).sort();
    checks.equal(rendered.join(', '), documented.join(', '), 'Swagger UI renders every documented operation');
    try {
      // The register example (test@example.com) is new on a fresh server: 201.
      const created = await browser.evaluate(page, tryItOut('operations-Auth-register'));
      checks.ok(created.status === '201' || (external && created.status === '409'), `Swagger UI: Try it out on POST /api/auth/register (${created.status})`);
      await browser.evaluate(page, authorize(email, password));
      const tried = await browser.evaluate(page, tryItOut('operations-Auth-getCurrentUser'));
      checks.equal(tried.status, '200', 'Swagger UI: Authorize, then Try it out on GET /api/auth/user');
      checks.ok(tried.bearer, 'Swagger UI sends the token as a bearer token');
      checks.ok(tried.body.includes(email), 'Swagger UI shows the account');
    } catch (error) {
      checks.ok(false, `Swagger UI Authorize / Try it out: ${error.message}`);
    }

    await browser.navigate(page, `${server.baseUrl}/redoc`);
    const paths = [...new Set(operations(document).map(({ path }) => path))];
    const summaries = operations(document).map(({ operation }) => operation.summary);
    try {
      await browser.waitFor(page, `${redocMissing(paths, summaries)}.ready`);
      checks.ok(true, 'ReDoc renders every operation');
    } catch {
      const { missing } = await browser.evaluate(page, redocMissing(paths, summaries));
      checks.ok(false, `ReDoc does not render: ${missing.join(', ')}`);
    }

    await browser.settle(1500);
    const pages = browser.requests.filter((r) => /\/(docs|redoc)$/.test(r.url) && r.headers);
    for (const { url, headers } of pages) {
      const policy = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-security-policy');
      checks.ok(policy && /default-src 'none'/.test(policy[1]), `${url} is served with its Content-Security-Policy`);
    }
    checks.ok(pages.length >= 2, 'both pages were loaded');
    checks.ok(browser.requests.some((r) => r.url.endsWith('/openapi.json') && r.status === 200), 'the pages loaded /openapi.json');
    for (const { url, blockedReason, errorText } of browser.requests) {
      if (isLocal(url) || url.includes(CANARY_HOST)) continue;
      if (blockedReason === 'csp') {
        console.log(`note: the page policy stopped ${url} before it left the browser`);
        continue;
      }
      checks.ok(false, `a page requested ${url} (${blockedReason || errorText || 'sent'})`);
    }
    for (const exception of browser.exceptions) checks.ok(false, `uncaught error in a page: ${exception}`);
    for (const { level, text } of browser.console) {
      // An <img> from another origin (ReDoc's footer logo) is what the policy is there to stop.
      const refusedOutside = /(?:Refused to load|Loading) the image '(https?:[^']+)'/.exec(text);
      if (refusedOutside && !isLocal(refusedOutside[1])) {
        console.log(`note: the page policy refused ${refusedOutside[1]} (it never left the browser)`);
        continue;
      }
      checks.ok(!/Refused to|Content Security Policy|blocked:csp/i.test(text), `policy violation: ${text}`);
      if (level === 'error') console.log(`console error: ${text}`);
    }
    checks.ok(browser.requests.length >= 8, `requests recorded (${browser.requests.length})`);
  } finally {
    if (browser) {
      const netLog = await browser.close();
      checks.ok(netLog.length > 1000, 'Chromium wrote its net log');
      const { failures, notes } = netLogFindings(netLog);
      for (const note of notes) console.log(`note: ${note}`);
      const canaryFindings = failures.filter((f) => f.includes(CANARY_HOST));
      const docsFindings = failures.filter((f) => !f.includes(CANARY_HOST));
      checks.equal(canaryFindings.length, 2, 'the net log shows the canary page asking for outside URLs');
      checks.ok(docsFindings.length === 0, `the net log shows traffic beyond loopback: ${docsFindings.join('; ')}`);
    }
    const exit = await server.stop();
    if (!checks.ok(exit && exit.code === 0, `server stopped cleanly (${JSON.stringify(exit)})`) || checks.failures.length) {
      console.log(`--- server output (last 4000 characters) ---\n${server.output().slice(-4000)}`);
    }
  }
});
