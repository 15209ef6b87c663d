// Requests that make the live server produce every status code the document declares, in an
// order where later steps reuse earlier ones (the account, its token, its codes). Each scenario
// names the operation and the status it must produce; every exchange is recorded, so that
// live_contract_test.mjs can check both coverage (routes) and shapes (schemas).
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { request } from './http.mjs';
import { messageIds, waitForCode } from './maildev.mjs';

/// Declared statuses no black-box request can produce here, with the reason.
export const EXEMPT_STATUSES = {
  500: 'an unexpected server fault: no request can cause one on purpose',
  503: 'needs the database to fail or the worker pool to overflow (covered by the core integration tests)',
};

/// Declared statuses that the contract promises but that a later issue brings. The check is
/// strict: once the server produces one, the test fails until the entry is removed here. (The
/// throttling 429s of issue 4 are live.)
export const PENDING = new Map([]);

const PASSWORD = 'Password123';
const NEW_PASSWORD = 'NewPassword456';
const OVERSIZED = 'x'.repeat(70 * 1024); // the body limit is 64 KiB

const base64url = (data) => Buffer.from(data).toString('base64url');

/// A JWT signed like the server's (HS256), for tokens no login would give (expired, foreign key).
export function forgeToken(secret, claims) {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

/// A code that is not `code` (so a "wrong code" request is never right by chance).
const otherCode = (code) => String((Number(code) + 1) % 1000000).padStart(6, '0');

export class Context {
  constructor({ main, throttled, mail, label }) {
    this.main = main;
    this.throttled = throttled;
    this.mail = mail;
    this.label = label;
    this.counter = 0;
    this.exchanges = [];
    this.codes = new Set(); // every code mailed: none may appear in any response
    this.notes = [];
  }

  email(tag) {
    this.counter += 1;
    return `docs.${this.label}.${tag}.${process.pid}.${this.counter}@example.com`;
  }

  /// Sends a request to `server` and records it for the schema checks.
  async send(server, method, path, options = {}) {
    const response = await request(server.baseUrl, { method, path, ...options });
    this.exchanges.push({ method: method.toLowerCase(), path, response });
    return response;
  }

  post(path, options, server = this.main) {
    return this.send(server, 'POST', path, options);
  }

  get(path, options, server = this.main) {
    return this.send(server, 'GET', path, options);
  }

  async code(email, subject, seen) {
    const { code } = await waitForCode(this.mail.url, email, { seen, subject });
    this.codes.add(code);
    return code;
  }

  /// Registers a new account on `server` and returns {email, id}.
  async register(tag, server = this.main) {
    const email = this.email(tag);
    const response = await this.post('/api/auth/register', { json: { email, password: PASSWORD } }, server);
    if (response.status !== 201) throw new Error(`register ${email}: ${response.status} ${response.text}`);
    return { email, id: response.json.id };
  }

  async login(email, password = PASSWORD, server = this.main) {
    const response = await this.post('/api/auth/login', { json: { email, password } }, server);
    if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${response.text}`);
    return response.json.access_token;
  }

  /// Asks for a new code of one purpose and waits for its email.
  async freshCode(path, email, subject) {
    const seen = await messageIds(this.mail.url, email);
    const response = await this.post(path, { json: { email } });
    if (response.status !== 200) throw new Error(`${path} ${email}: ${response.status} ${response.text}`);
    return this.code(email, subject, seen);
  }
}

// The subjects of src/mail/templates/verify_code and reset_code (not the welcome email, whose code
// an explicit request voids).
const VERIFY_SUBJECT = /verification code/i;
const RESET_SUBJECT = /reset/i;

function bodyErrors(path) {
  return [
    { status: 415, name: 'a text/plain body', run: (c) => c.post(path, { body: '{}', headers: { 'Content-Type': 'text/plain' } }) },
    { status: 413, name: 'a 70 KiB body', run: (c) => c.post(path, { json: { email: 'a@example.com', padding: OVERSIZED } }) },
    { status: 422, name: 'malformed JSON', run: (c) => c.post(path, { body: '{"email":', headers: { 'Content-Type': 'application/json' } }) },
    { status: 422, name: 'JSON that is not an object', run: (c) => c.post(path, { json: ['a@example.com'] }) },
  ];
}

function op(method, path, list) {
  return list.map((scenario) => ({ ...scenario, method, path }));
}

/// The scenarios, in order. `run(context)` returns the response whose status is checked; `then`
/// (optional) makes further assertions through `check(condition, message)`.
export function scenarios() {
  const state = {};
  return [
    ...op('get', '/', [{ status: 200, name: 'running', run: (c) => c.get('/') }]),
    ...op('get', '/health', [{ status: 200, name: 'alive', run: (c) => c.get('/health') }]),
    ...op('get', '/health/ready', [{ status: 200, name: 'ready', run: (c) => c.get('/health/ready') }]),
    ...op('get', '/openapi.json', [{ status: 200, name: 'the document', run: (c) => c.get('/openapi.json') }]),
    ...op('get', '/docs', [{ status: 200, name: 'Swagger UI', run: (c) => c.get('/docs') }]),
    ...op('get', '/redoc', [{ status: 200, name: 'ReDoc', run: (c) => c.get('/redoc') }]),

    ...op('post', '/api/auth/register', [
      {
        status: 201,
        name: 'a new account',
        run: async (c) => {
          state.email = c.email('main');
          return c.post('/api/auth/register', {
            json: { email: state.email, password: PASSWORD, name: 'Docs Tester', phone_number: '+44 20 7946 0000' },
          });
        },
        then: (r, check) => {
          state.id = r.json && r.json.id;
          check(r.json && r.json.name === 'Docs Tester', 'register: name is the full_name alias');
          check(r.json && r.json.is_verified === false, 'register: a new account is not verified');
        },
      },
      {
        status: 409,
        name: 'the same email, upper case with spaces',
        run: (c) => c.post('/api/auth/register', { json: { email: `  ${state.email.toUpperCase()} `, password: PASSWORD } }),
      },
      { status: 422, name: 'a 7-character password', run: (c) => c.post('/api/auth/register', { json: { email: c.email('short'), password: 'Short12' } }) },
      { status: 422, name: 'no password', run: (c) => c.post('/api/auth/register', { json: { email: c.email('nopass') } }) },
      ...bodyErrors('/api/auth/register'),
    ]),

    ...op('post', '/api/auth/login', [
      {
        status: 200,
        name: 'JSON',
        run: (c) => c.post('/api/auth/login', { json: { email: state.email, password: PASSWORD } }),
        then: (r) => {
          state.token = r.json && r.json.access_token;
        },
      },
      {
        status: 200,
        name: 'the OAuth2 password form, as Swagger UI sends it',
        run: (c) =>
          c.post('/api/auth/login', {
            form: { grant_type: 'password', username: state.email, password: PASSWORD, scope: '', client_id: '' },
          }),
      },
      { status: 401, name: 'a wrong password', run: (c) => c.post('/api/auth/login', { json: { email: state.email, password: 'WrongPassword1' } }) },
      { status: 401, name: 'an unknown email', run: (c) => c.post('/api/auth/login', { json: { email: c.email('nobody'), password: PASSWORD } }) },
      { status: 422, name: 'no password', run: (c) => c.post('/api/auth/login', { json: { email: state.email } }) },
      { status: 422, name: 'a form without password', run: (c) => c.post('/api/auth/login', { form: { username: state.email } }) },
      {
        status: 403,
        name: 'a disabled account with the right password',
        run: async (c) => {
          const { email } = await c.register('disabled', c.throttled);
          // The API cannot disable an account: an operator does it in the database.
          execFileSync('sqlite3', [
            join(c.throttled.workDir, 'clockko.db'),
            `PRAGMA busy_timeout = 5000; UPDATE users SET is_active = 0 WHERE email = '${email}';`,
          ]);
          return c.post('/api/auth/login', { json: { email, password: PASSWORD } }, c.throttled);
        },
      },
      {
        status: 429,
        name: 'more failures than LOGIN_MAX_FAILURES',
        run: async (c) => {
          const { email } = await c.register('throttled', c.throttled);
          let response;
          for (let i = 0; i < 4; i += 1) {
            response = await c.post('/api/auth/login', { json: { email, password: 'WrongPassword1' } }, c.throttled);
          }
          return response;
        },
      },
      ...bodyErrors('/api/auth/login'),
    ]),

    ...op('get', '/api/auth/user', [
      { status: 200, name: 'a bearer token', run: (c) => c.get('/api/auth/user', { headers: { Authorization: `Bearer ${state.token}` } }) },
      { status: 200, name: 'the scheme in lower case', run: (c) => c.get('/api/auth/user', { headers: { Authorization: `bearer ${state.token}` } }) },
      { status: 401, name: 'no Authorization header', run: (c) => c.get('/api/auth/user') },
      { status: 401, name: 'another scheme', run: (c) => c.get('/api/auth/user', { headers: { Authorization: 'Basic ZG9jczpkb2Nz' } }) },
      { status: 401, name: 'an empty token', run: (c) => c.get('/api/auth/user', { headers: { Authorization: 'Bearer ' } }) },
      { status: 401, name: 'a token that is not a JWT', run: (c) => c.get('/api/auth/user', { headers: { Authorization: 'Bearer not.a.jwt' } }) },
      {
        status: 401,
        name: 'an expired token',
        run: (c) => {
          const now = Math.floor(Date.now() / 1000);
          const token = forgeToken(c.main.secretKey, { sub: state.id, iat: now - 7200, exp: now - 3600, jti: randomBytes(8).toString('hex') });
          return c.get('/api/auth/user', { headers: { Authorization: `Bearer ${token}` } });
        },
        then: (r, check) => check(r.json && r.json.code === 'token_expired', `expired token: code ${r.json && r.json.code}`),
      },
      {
        status: 401,
        name: 'a token signed with another key',
        run: (c) => {
          const now = Math.floor(Date.now() / 1000);
          const token = forgeToken('another-secret-key-another-secret-key', { sub: state.id, iat: now, exp: now + 600, jti: 'x' });
          return c.get('/api/auth/user', { headers: { Authorization: `Bearer ${token}` } });
        },
      },
    ]),

    ...op('post', '/api/auth/refresh', [
      {
        status: 200,
        name: 'the refresh token of a login',
        run: async (c) => {
          const { email } = await c.register('sessions');
          state.sessionEmail = email;
          const login = await c.post('/api/auth/login', { json: { email, password: PASSWORD } });
          state.loginRefresh = login.json && login.json.refresh_token;
          return c.post('/api/auth/refresh', { json: { refresh_token: state.loginRefresh } });
        },
        then: (r, check) => {
          state.pair = r.json;
          check(r.json && r.json.refresh_token && r.json.refresh_token !== state.loginRefresh, 'refresh: a new refresh token');
        },
      },
      {
        status: 200,
        name: 'the same token again within the grace window',
        run: (c) => c.post('/api/auth/refresh', { json: { refresh_token: state.loginRefresh } }),
        then: (r, check) =>
          check(r.json && state.pair && r.json.refresh_token === state.pair.refresh_token && r.json.access_token === state.pair.access_token,
            'refresh: a racing reuse gets the same pair'),
      },
      { status: 401, name: 'a token never issued', run: (c) => c.post('/api/auth/refresh', { json: { refresh_token: 'A'.repeat(43) } }) },
      { status: 422, name: 'no refresh_token', run: (c) => c.post('/api/auth/refresh', { json: {} }) },
      ...bodyErrors('/api/auth/refresh'),
    ]),
    ...op('post', '/api/auth/logout', [
      {
        status: 204,
        name: 'a live refresh token',
        run: async (c) => {
          const login = await c.post('/api/auth/login', { json: { email: state.sessionEmail, password: PASSWORD } });
          state.loggedOut = login.json && login.json.refresh_token;
          return c.post('/api/auth/logout', { json: { refresh_token: state.loggedOut } });
        },
        then: (r, check) => check(r.text === '', 'logout: 204 has no body'),
      },
      { status: 401, name: 'the same token again', run: (c) => c.post('/api/auth/logout', { json: { refresh_token: state.loggedOut } }) },
      { status: 422, name: 'no refresh_token', run: (c) => c.post('/api/auth/logout', { json: {} }) },
      ...bodyErrors('/api/auth/logout'),
    ]),
    ...op('post', '/api/auth/refresh', [
      { status: 401, name: 'a logged-out token', run: (c) => c.post('/api/auth/refresh', { json: { refresh_token: state.loggedOut } }) },
    ]),
    ...op('post', '/api/auth/logout-all', [
      { status: 401, name: 'no Authorization header', run: (c) => c.post('/api/auth/logout-all', {}) },
      {
        status: 204,
        name: 'a bearer token',
        run: (c) => c.post('/api/auth/logout-all', { headers: { Authorization: `Bearer ${state.pair.access_token}` } }),
        then: (r, check) => check(r.text === '', 'logout-all: 204 has no body'),
      },
      {
        status: 401,
        name: 'an access token issued before logout-all',
        run: (c) => c.post('/api/auth/logout-all', { headers: { Authorization: `Bearer ${state.pair.access_token}` } }),
      },
    ]),
    ...op('post', '/api/auth/refresh', [
      { status: 401, name: 'a refresh token issued before logout-all', run: (c) => c.post('/api/auth/refresh', { json: { refresh_token: state.pair.refresh_token } }) },
    ]),

    ...op('post', '/api/auth/send-verification-email', [
      {
        status: 200,
        name: 'an unverified account',
        run: async (c) => {
          state.seen = await messageIds(c.mail.url, state.email);
          return c.post('/api/auth/send-verification-email', { json: { email: state.email } });
        },
        then: (r) => {
          state.sendBody = r.text;
        },
      },
      {
        status: 200,
        name: 'an unknown email, with the same body',
        run: (c) => c.post('/api/auth/send-verification-email', { json: { email: c.email('nobody') } }),
        then: (r, check) => check(r.text === state.sendBody, 'send-verification-email: unknown email gets the same body'),
      },
      { status: 422, name: 'not an email', run: (c) => c.post('/api/auth/send-verification-email', { json: { email: 'not-an-email' } }) },
      {
        status: 429,
        name: 'two codes within CODE_RESEND_SECONDS',
        run: async (c) => {
          const { email } = await c.register('resend', c.throttled);
          await c.post('/api/auth/send-verification-email', { json: { email } }, c.throttled);
          return c.post('/api/auth/send-verification-email', { json: { email } }, c.throttled);
        },
      },
      ...bodyErrors('/api/auth/send-verification-email'),
    ]),

    ...op('post', '/api/auth/verify-email', [
      {
        status: 400,
        name: 'a wrong code',
        run: async (c) => {
          state.verifyCode = await c.code(state.email, VERIFY_SUBJECT, state.seen);
          return c.post('/api/auth/verify-email', { json: { email: state.email, otp: otherCode(state.verifyCode) } });
        },
      },
      {
        status: 200,
        name: 'the mailed code',
        run: (c) => c.post('/api/auth/verify-email', { json: { email: state.email, otp: state.verifyCode } }),
      },
      { status: 400, name: 'the same code again', run: (c) => c.post('/api/auth/verify-email', { json: { email: state.email, otp: state.verifyCode } }) },
      { status: 400, name: 'an unknown email', run: (c) => c.post('/api/auth/verify-email', { json: { email: c.email('nobody'), otp: '123456' } }) },
      { status: 422, name: 'no otp', run: (c) => c.post('/api/auth/verify-email', { json: { email: state.email } }) },
      {
        status: 429,
        name: 'the right code after 5 wrong ones',
        run: async (c) => {
          const { email } = await c.register('attempts');
          const code = await c.freshCode('/api/auth/send-verification-email', email, VERIFY_SUBJECT);
          for (let i = 0; i < 5; i += 1) {
            await c.post('/api/auth/verify-email', { json: { email, otp: otherCode(code) } });
          }
          return c.post('/api/auth/verify-email', { json: { email, otp: code } });
        },
        then: (r, check) => check(r.json && r.json.code === 'too_many_attempts', `6th try: code ${r.json && r.json.code}`),
      },
      ...bodyErrors('/api/auth/verify-email'),
    ]),
    ...op('get', '/api/auth/user', [
      {
        status: 200,
        name: 'the account is verified now',
        run: (c) => c.get('/api/auth/user', { headers: { Authorization: `Bearer ${state.token}` } }),
        then: (r, check) => check(r.json && r.json.is_verified && r.json.otp_verified, 'verify-email: the account is verified'),
      },
    ]),

    ...op('post', '/api/auth/forgot-password', [
      {
        status: 200,
        name: 'an account',
        run: async (c) => {
          state.seen = await messageIds(c.mail.url, state.email);
          return c.post('/api/auth/forgot-password', { json: { email: state.email } });
        },
        then: (r) => {
          state.forgotBody = r.text;
        },
      },
      {
        status: 200,
        name: 'an unknown email, with the same body',
        run: (c) => c.post('/api/auth/forgot-password', { json: { email: c.email('nobody') } }),
        then: (r, check) => check(r.text === state.forgotBody, 'forgot-password: unknown email gets the same body'),
      },
      { status: 422, name: 'not an email', run: (c) => c.post('/api/auth/forgot-password', { json: { email: 'not-an-email' } }) },
      {
        status: 429,
        name: 'two codes within CODE_RESEND_SECONDS',
        run: async (c) => {
          const { email } = await c.register('forgot', c.throttled);
          await c.post('/api/auth/forgot-password', { json: { email } }, c.throttled);
          return c.post('/api/auth/forgot-password', { json: { email } }, c.throttled);
        },
      },
      ...bodyErrors('/api/auth/forgot-password'),
    ]),

    ...op('post', '/api/auth/reset-password', [
      {
        status: 400,
        name: 'a wrong code',
        run: async (c) => {
          state.resetCode = await c.code(state.email, RESET_SUBJECT, state.seen);
          return c.post('/api/auth/reset-password', { json: { email: state.email, otp: otherCode(state.resetCode), new_password: NEW_PASSWORD } });
        },
      },
      {
        status: 400,
        name: 'the verification code',
        run: (c) => c.post('/api/auth/reset-password', { json: { email: state.email, otp: state.verifyCode, new_password: NEW_PASSWORD } }),
      },
      {
        status: 422,
        name: 'a weak new password',
        run: (c) => c.post('/api/auth/reset-password', { json: { email: state.email, otp: state.resetCode, new_password: 'Short12' } }),
      },
      { status: 422, name: 'no new_password', run: (c) => c.post('/api/auth/reset-password', { json: { email: state.email, otp: state.resetCode } }) },
      {
        status: 200,
        name: 'a fresh code',
        run: async (c) => {
          // A fresh code: whatever the 422s above did to the old one, this one is unused.
          const code = await c.freshCode('/api/auth/forgot-password', state.email, RESET_SUBJECT);
          return c.post('/api/auth/reset-password', { json: { email: state.email, otp: code, new_password: NEW_PASSWORD } });
        },
      },
      {
        status: 429,
        name: 'the right code after 5 wrong ones',
        run: async (c) => {
          const { email } = await c.register('reset-attempts');
          const code = await c.freshCode('/api/auth/forgot-password', email, RESET_SUBJECT);
          for (let i = 0; i < 5; i += 1) {
            await c.post('/api/auth/reset-password', { json: { email, otp: otherCode(code), new_password: NEW_PASSWORD } });
          }
          return c.post('/api/auth/reset-password', { json: { email, otp: code, new_password: NEW_PASSWORD } });
        },
      },
      ...bodyErrors('/api/auth/reset-password'),
    ]),
    ...op('post', '/api/auth/login', [
      { status: 401, name: 'the old password after a reset', run: (c) => c.post('/api/auth/login', { json: { email: state.email, password: PASSWORD } }) },
      { status: 200, name: 'the new password after a reset', run: (c) => c.post('/api/auth/login', { json: { email: state.email, password: NEW_PASSWORD } }) },
    ]),
    ...op('get', '/api/auth/user', [
      { status: 401, name: 'a token issued before the reset', run: (c) => c.get('/api/auth/user', { headers: { Authorization: `Bearer ${state.token}` } }) },
    ]),
  ];
}

/// Paths no route should answer (all 404): names a client might guess.
export const UNDOCUMENTED_CANDIDATES = [
  '/api/auth/me', '/api/auth/users',
  '/api/auth/token', '/api/auth/verify-otp', '/api/auth/change-password', '/api/auth', '/api/auth/',
  '/api', '/api/auth/register/', '/api/auth/login/', '/health/', '/health/live', '/metrics',
  '/openapi.yaml', '/swagger.json', '/docs/oauth2-redirect.html', '/docs/index.html', '/redoc/index.html',
  '/admin', '/.env', '/favicon.ico', '/API/AUTH/LOGIN',
];
