// Writes ClockKo.postman_collection.json (Postman collection format v2.1) from the definitions
// below, so that each script exists once here even when several requests use it.
//   node postman/build-collection.mjs            rewrite the collection
//   node postman/build-collection.mjs --check    exit 1 when the committed file is not up to date
// Edit this file, not the JSON (tests/docs/postman_collection_test.mjs runs --check). To add an
// endpoint: add a request to its folder below, run the script, and document it in
// src/http/docs/openapi.json (the collection test checks that every documented operation has a
// request here).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), 'ClockKo.postman_collection.json');

/// The body of a function, as script lines (the functions are never called here: writing the
/// scripts as functions lets node check their syntax).
function lines(fn) {
  const source = fn.toString();
  const body = source.slice(source.indexOf('{') + 1, source.lastIndexOf('}')).split('\n');
  while (body.length && !body[0].trim()) body.shift();
  while (body.length && !body[body.length - 1].trim()) body.pop();
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  return body.map((l) => l.slice(indent));
}

const script = (...fns) => fns.flatMap((fn) => lines(fn));

/* global pm */

// ---------------------------------------------------------------------------------------------
// Script pieces. Each is the body of a Postman script (pre-request or test).

function newRunEmail() {
  // A new address for each run, so that a run never collides with an earlier one.
  const stamp = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
  const prefix = pm.variables.get('email_prefix') || 'clockko.postman';
  const domain = pm.variables.get('email_domain') || 'example.com';
  pm.collectionVariables.set('email', `${prefix}.${stamp}@${domain}`.toLowerCase());
  pm.collectionVariables.set('unknown_email', `nobody.${stamp}@${domain}`.toLowerCase());
  for (const name of ['access_token', 'refresh_token', 'old_refresh_token', 'logged_out_refresh_token', 'old_access_token', 'user_id', 'verification_code', 'reset_code', 'wrong_code', 'mail_seen', 'verified', 'reset_done']) {
    pm.collectionVariables.unset(name);
  }
}

function collectionPrerequest() {
  if (!pm.variables.get('base_url')) {
    throw new Error('Set base_url: select an environment (postman/local.postman_environment.json) or edit the collection variable');
  }
  if (!pm.collectionVariables.get('email')) {
    const stamp = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
    const prefix = pm.variables.get('email_prefix') || 'clockko.postman';
    const domain = pm.variables.get('email_domain') || 'example.com';
    pm.collectionVariables.set('email', `${prefix}.${stamp}@${domain}`.toLowerCase());
    pm.collectionVariables.set('unknown_email', `nobody.${stamp}@${domain}`.toLowerCase());
  }
}

function collectionTests() {
  // What every response of the API carries.
  pm.test('X-Request-ID is sent back', () => {
    pm.expect(pm.response.headers.get('X-Request-ID')).to.match(/^[A-Za-z0-9._:-]{1,128}$/);
  });
  pm.test('X-Content-Type-Options is nosniff', () => {
    pm.expect(pm.response.headers.get('X-Content-Type-Options')).to.eql('nosniff');
  });
}

function expectJsonError() {
  // Shared by the error cases: the contract's error body.
  const expectError = (status, code) => {
    pm.test(`status is ${status}`, () => pm.response.to.have.status(status));
    pm.test('JSON error body {detail, code, message}', () => {
      pm.expect(pm.response.headers.get('Content-Type')).to.include('application/json');
      const body = pm.response.json();
      pm.expect(body.code).to.eql(code);
      pm.expect(body.message).to.be.a('string').and.not.empty;
      if (code === 'validation_error') {
        pm.expect(body.detail).to.be.an('array').that.is.not.empty;
        body.detail.forEach((item) => {
          pm.expect(item).to.have.all.keys('loc', 'msg', 'type');
          pm.expect(item.loc).to.be.an('array');
        });
      } else {
        pm.expect(body.detail).to.be.a('string').and.not.empty;
      }
    });
  };
}

function expectUser() {
  const expectUser = (user) => {
    pm.expect(user).to.have.all.keys('id', 'email', 'username', 'full_name', 'name', 'phone_number', 'is_active', 'is_verified', 'otp_verified', 'created_at');
    pm.expect(user.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    pm.expect(user.email).to.eql(pm.collectionVariables.get('email'));
    pm.expect(user.is_active).to.eql(true);
    pm.expect(new Date(user.created_at).toString()).not.to.eql('Invalid Date');
  };
}

function expectMessage() {
  const expectMessage = () => {
    pm.test('status is 200', () => pm.response.to.have.status(200));
    pm.test('body is {detail, message}', () => {
      const body = pm.response.json();
      pm.expect(body).to.have.all.keys('detail', 'message');
      pm.expect(body.detail).to.be.a('string').and.not.empty;
    });
  };
}

// Notes the messages already in MailDev for the run's address, to tell the next one from them.
function snapshotMail() {
  const mailUrl = (pm.variables.get('mail_url') || '').replace(/\/+$/, '');
  const email = pm.collectionVariables.get('email');
  if (mailUrl) {
    pm.sendRequest({ url: `${mailUrl}/api/email`, method: 'GET' }, (error, response) => {
      if (error || response.code !== 200) {
        console.warn(`MailDev at ${mailUrl} did not answer: ${error || response.code}`);
        return;
      }
      const ids = response.json()
        .filter((m) => (m.to || []).some((to) => String(to.address).toLowerCase() === email))
        .map((m) => m.id);
      pm.collectionVariables.set('mail_seen', JSON.stringify(ids));
    });
  }
}

// Sets CODE_VARIABLE from the newest new message to the run's address whose subject matches
// SUBJECT (MailDev, when mail_url is set), or from MANUAL_VARIABLE (a code read from the inbox or
// the server log). The placeholders are replaced by codeFromMail() below.
function codeFromMailTemplate() {
  const mailUrl = (pm.variables.get('mail_url') || '').replace(/\/+$/, '');
  const email = pm.collectionVariables.get('email');
  const setCode = (code) => {
    pm.collectionVariables.set('CODE_VARIABLE', code);
    pm.collectionVariables.set('wrong_code', String((Number(code) + 1) % 1000000).padStart(6, '0'));
  };
  if (!mailUrl) {
    const manual = pm.variables.get('MANUAL_VARIABLE');
    if (manual) {
      setCode(String(manual).trim());
    } else {
      pm.collectionVariables.set('CODE_VARIABLE', '');
      pm.collectionVariables.set('wrong_code', '000000');
      console.warn('No mail_url and no MANUAL_VARIABLE: the requests that need the code are skipped');
    }
  } else {
    const seen = JSON.parse(pm.collectionVariables.get('mail_seen') || '[]');
    const deadline = Date.now() + 20000;
    const poll = () => {
      pm.sendRequest({ url: `${mailUrl}/api/email`, method: 'GET' }, (error, response) => {
        if (!error && response.code === 200) {
          const fresh = response.json()
            .filter((m) => (m.to || []).some((to) => String(to.address).toLowerCase() === email))
            .filter((m) => !seen.includes(m.id) && SUBJECT.test(m.subject || ''))
            .sort((a, b) => Date.parse(b.time || b.date) - Date.parse(a.time || a.date));
          for (const message of fresh) {
            const match = /(?:^|\s)(\d{6})(?:\s|$)/m.exec(message.text || '');
            if (match) {
              setCode(match[1]);
              return;
            }
          }
        }
        if (Date.now() > deadline) {
          pm.collectionVariables.set('CODE_VARIABLE', '');
          console.error(`No new email matching ${SUBJECT} to ${email} in MailDev at ${mailUrl} within 20 s`);
          return;
        }
        setTimeout(poll, 500);
      });
    };
    poll();
  }
}

function codeFromMail(codeVariable, manualVariable, subject) {
  return lines(codeFromMailTemplate).map((line) =>
    line
      .replaceAll('CODE_VARIABLE', codeVariable)
      .replaceAll('MANUAL_VARIABLE', manualVariable)
      .replaceAll('SUBJECT', subject),
  );
}

// Skips the request when the variable named in the first line is empty (no code could be had, or
// an earlier step was skipped), instead of failing on a guess.
function skipUnlessTemplate() {
  if (!pm.collectionVariables.get('NEEDED')) {
    console.warn('Skipped: NEEDED is not set (set mail_url, or the manual code variables)');
    if (pm.execution && pm.execution.skipRequest) {
      pm.execution.skipRequest();
    }
  }
}

const skipUnless = (variable) => lines(skipUnlessTemplate).map((l) => l.replaceAll('NEEDED', variable));

// Checks a token pair answer (login, refresh) and saves it for the requests after it.
function saveTokenPair() {
  const saveTokenPair = () => {
    const body = pm.response.json();
    pm.expect(body.token_type).to.eql('bearer');
    pm.expect(body.access_token.split('.')).to.have.lengthOf(3);
    pm.expect(body.expires_in).to.be.a('number').above(0);
    pm.expect(body.refresh_token).to.match(/^[A-Za-z0-9_-]{43}$/);
    pm.collectionVariables.set('access_token', body.access_token);
    pm.collectionVariables.set('refresh_token', body.refresh_token);
  };
}

// ---------------------------------------------------------------------------------------------
// Requests.

const json = (value) => ({
  mode: 'raw',
  raw: JSON.stringify(value, null, 2),
  options: { raw: { language: 'json' } },
});
const jsonHeader = [{ key: 'Content-Type', value: 'application/json' }];

function request(name, { method = 'GET', path, body, headers = [], auth, prerequest = [], tests = [], description }) {
  const item = {
    name,
    event: [],
    request: {
      method,
      header: headers,
      url: {
        raw: `{{base_url}}${path}`,
        host: ['{{base_url}}'],
        path: path.split('/').filter(Boolean),
      },
    },
    response: [],
  };
  if (description) item.request.description = description;
  if (body) item.request.body = body;
  if (auth) item.request.auth = auth;
  if (prerequest.length) item.event.push({ listen: 'prerequest', script: { type: 'text/javascript', exec: prerequest } });
  if (tests.length) item.event.push({ listen: 'test', script: { type: 'text/javascript', exec: tests } });
  return item;
}

const bearer = (variable) => ({ type: 'bearer', bearer: [{ key: 'token', value: `{{${variable}}}`, type: 'string' }] });
const noAuth = { type: 'noauth' };

const health = [
  request('API is running', {
    path: '/',
    description: 'GET / answers `{"message": "ClockKo API is running"}`.',
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('the greeting', () => pm.expect(pm.response.json()).to.eql({ message: 'ClockKo API is running' }));
    }),
  }),
  request('Liveness', {
    path: '/health',
    description: 'The load balancer and container health check path: touches no dependency.',
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('status ok', () => pm.expect(pm.response.json()).to.eql({ status: 'ok' }));
    }),
  }),
  request('Readiness', {
    path: '/health/ready',
    description: '200 when the database answers, else 503 with Retry-After.',
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('the database answers', () => pm.expect(pm.response.json()).to.eql({ status: 'ok', database: 'ok' }));
    }),
  }),
];

const auth = [
  request('Register', {
    method: 'POST',
    path: '/api/auth/register',
    headers: jsonHeader,
    body: json({ email: '{{email}}', password: '{{password}}', name: 'Postman Tester' }),
    description: 'Creates the account this run uses (a new email each run) and mails a welcome email with a verification code.',
    prerequest: script(newRunEmail),
    tests: script(expectUser, function () {
      pm.test('status is 201', () => pm.response.to.have.status(201));
      pm.test('the user object, without any secret', () => {
        const user = pm.response.json();
        expectUser(user);
        pm.expect(user.name).to.eql('Postman Tester');
        pm.expect(user.is_verified).to.eql(false);
        pm.collectionVariables.set('user_id', user.id);
      });
    }),
  }),
  request('Register – email taken (409)', {
    method: 'POST',
    path: '/api/auth/register',
    headers: jsonHeader,
    body: json({ email: '{{email}}', password: '{{password}}' }),
    tests: script(expectJsonError, function () {
      expectError(409, 'email_taken');
    }),
  }),
  request('Register – weak password (422)', {
    method: 'POST',
    path: '/api/auth/register',
    headers: jsonHeader,
    body: json({ email: '{{unknown_email}}', password: 'short' }),
    tests: script(expectJsonError, function () {
      expectError(422, 'validation_error');
      pm.test('the field is named', () => {
        pm.expect(pm.response.json().detail[0].loc).to.eql(['body', 'password']);
      });
    }),
  }),
  request('Login', {
    method: 'POST',
    path: '/api/auth/login',
    headers: jsonHeader,
    body: json({ email: '{{email}}', password: '{{password}}' }),
    description: 'Saves the access token in `access_token` (the requests after it send it as a bearer token) and the refresh token in `refresh_token`.',
    tests: script(saveTokenPair, function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('a bearer token and a refresh token', () => saveTokenPair());
      pm.test('Cache-Control: no-store', () => pm.expect(pm.response.headers.get('Cache-Control')).to.include('no-store'));
    }),
  }),
  request('Login – OAuth2 form', {
    method: 'POST',
    path: '/api/auth/login',
    body: {
      mode: 'urlencoded',
      urlencoded: [
        { key: 'grant_type', value: 'password', type: 'text' },
        { key: 'username', value: '{{email}}', type: 'text' },
        { key: 'password', value: '{{password}}', type: 'text' },
      ],
    },
    description: 'The OAuth2 password form (`username` is the email), as the Authorize button of /docs sends it.',
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('a bearer token', () => pm.expect(pm.response.json().token_type).to.eql('bearer'));
    }),
  }),
  request('Login – wrong password (401)', {
    method: 'POST',
    path: '/api/auth/login',
    headers: jsonHeader,
    body: json({ email: '{{email}}', password: 'WrongPassword1' }),
    tests: script(expectJsonError, function () {
      expectError(401, 'invalid_credentials');
      pm.test('WWW-Authenticate: Bearer', () => pm.expect(pm.response.headers.get('WWW-Authenticate')).to.match(/^Bearer/));
    }),
  }),
  request('Current user', {
    path: '/api/auth/user',
    auth: bearer('access_token'),
    tests: script(expectUser, function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('the account of the token', () => {
        const user = pm.response.json();
        expectUser(user);
        pm.expect(user.id).to.eql(pm.collectionVariables.get('user_id'));
      });
    }),
  }),
  request('Current user – no token (401)', {
    path: '/api/auth/user',
    auth: noAuth,
    tests: script(expectJsonError, function () {
      expectError(401, 'not_authenticated');
      pm.test('WWW-Authenticate: Bearer', () => pm.expect(pm.response.headers.get('WWW-Authenticate')).to.match(/^Bearer/));
    }),
  }),
  request('Current user – invalid token (401)', {
    path: '/api/auth/user',
    auth: { type: 'bearer', bearer: [{ key: 'token', value: 'not.a.jwt', type: 'string' }] },
    tests: script(expectJsonError, function () {
      expectError(401, 'invalid_token');
      pm.test('WWW-Authenticate names the error', () => pm.expect(pm.response.headers.get('WWW-Authenticate')).to.include('invalid_token'));
    }),
  }),
];

const refreshBody = (variable) => json({ refresh_token: `{{${variable}}}` });
const expectNoContent = script(function () {
  pm.test('status is 204', () => pm.response.to.have.status(204));
  pm.test('no body', () => pm.expect(pm.response.text()).to.eql(''));
});

const sessions = [
  request('Refresh', {
    method: 'POST',
    path: '/api/auth/refresh',
    headers: jsonHeader,
    body: refreshBody('refresh_token'),
    description: 'Exchanges the refresh token for a new pair; the one sent stops working (a racing second use within REFRESH_REUSE_GRACE_SECONDS gets the same pair). Saves the new pair.',
    prerequest: script(function () {
      pm.collectionVariables.set('old_refresh_token', pm.collectionVariables.get('refresh_token'));
    }),
    tests: script(saveTokenPair, function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('a new pair', () => {
        saveTokenPair();
        pm.expect(pm.response.json().refresh_token).not.to.eql(pm.collectionVariables.get('old_refresh_token'));
      });
      pm.test('Cache-Control: no-store', () => pm.expect(pm.response.headers.get('Cache-Control')).to.include('no-store'));
    }),
  }),
  request('Current user – refreshed token', {
    path: '/api/auth/user',
    auth: bearer('access_token'),
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('the same account', () => pm.expect(pm.response.json().id).to.eql(pm.collectionVariables.get('user_id')));
    }),
  }),
  request('Refresh – unknown token (401)', {
    method: 'POST',
    path: '/api/auth/refresh',
    headers: jsonHeader,
    body: json({ refresh_token: 'A'.repeat(43) }),
    tests: script(expectJsonError, function () {
      expectError(401, 'invalid_token');
    }),
  }),
  request('Logout', {
    method: 'POST',
    path: '/api/auth/logout',
    headers: jsonHeader,
    body: refreshBody('refresh_token'),
    description: 'Ends the session of the refresh token. The access token already issued works until it expires.',
    prerequest: script(function () {
      pm.collectionVariables.set('logged_out_refresh_token', pm.collectionVariables.get('refresh_token'));
    }),
    tests: expectNoContent,
  }),
  request('Refresh – logged-out token (401)', {
    method: 'POST',
    path: '/api/auth/refresh',
    headers: jsonHeader,
    body: refreshBody('logged_out_refresh_token'),
    tests: script(expectJsonError, function () {
      expectError(401, 'invalid_token');
    }),
  }),
  request('Logout all', {
    method: 'POST',
    path: '/api/auth/logout-all',
    auth: bearer('access_token'),
    description: 'Ends every session of the account and rejects every access token issued before.',
    prerequest: script(function () {
      pm.collectionVariables.set('old_access_token', pm.collectionVariables.get('access_token'));
    }),
    tests: expectNoContent,
  }),
  request('Current user – token from before logout-all (401)', {
    path: '/api/auth/user',
    auth: bearer('old_access_token'),
    tests: script(expectJsonError, function () {
      expectError(401, 'invalid_token');
    }),
  }),
  request('Login – after logout-all', {
    method: 'POST',
    path: '/api/auth/login',
    headers: jsonHeader,
    body: json({ email: '{{email}}', password: '{{password}}' }),
    description: 'A new session; its tokens are used by the requests after it.',
    tests: script(saveTokenPair, function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('a new pair', () => saveTokenPair());
    }),
  }),
];

const verification = [
  request('Send verification email', {
    method: 'POST',
    path: '/api/auth/send-verification-email',
    headers: jsonHeader,
    body: json({ email: '{{email}}' }),
    description: 'Mails a new code (and voids the older ones). With `mail_url` set, the next requests read it from MailDev.',
    prerequest: script(snapshotMail),
    tests: script(expectMessage, function () {
      expectMessage();
      pm.collectionVariables.set('send_body', pm.response.text());
    }),
  }),
  request('Send verification email – unknown account', {
    method: 'POST',
    path: '/api/auth/send-verification-email',
    headers: jsonHeader,
    body: json({ email: '{{unknown_email}}' }),
    description: 'The same answer as for an existing account: the API does not tell who has one.',
    tests: script(expectMessage, function () {
      expectMessage();
      pm.test('the same body as for an existing account', () => pm.expect(pm.response.text()).to.eql(pm.collectionVariables.get('send_body')));
    }),
  }),
  request('Verify email – wrong code (400)', {
    method: 'POST',
    path: '/api/auth/verify-email',
    headers: jsonHeader,
    body: json({ email: '{{email}}', otp: '{{wrong_code}}' }),
    description: 'Reads the code (MailDev via `mail_url`, or `manual_verification_code`) and sends another one.',
    prerequest: codeFromMail('verification_code', 'manual_verification_code', '/verification code/i'),
    tests: script(expectJsonError, function () {
      expectError(400, 'invalid_otp');
    }),
  }),
  request('Verify email', {
    method: 'POST',
    path: '/api/auth/verify-email',
    headers: jsonHeader,
    body: json({ email: '{{email}}', otp: '{{verification_code}}' }),
    prerequest: skipUnless('verification_code'),
    tests: script(expectMessage, function () {
      expectMessage();
      pm.collectionVariables.set('verified', 'yes');
    }),
  }),
  request('Current user – verified', {
    path: '/api/auth/user',
    auth: bearer('access_token'),
    prerequest: skipUnless('verified'),
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('the email is verified', () => {
        const user = pm.response.json();
        pm.expect(user.is_verified).to.eql(true);
        pm.expect(user.otp_verified).to.eql(true);
      });
    }),
  }),
];

const reset = [
  request('Forgot password', {
    method: 'POST',
    path: '/api/auth/forgot-password',
    headers: jsonHeader,
    body: json({ email: '{{email}}' }),
    prerequest: script(snapshotMail),
    tests: script(expectMessage, function () {
      expectMessage();
      pm.collectionVariables.set('forgot_body', pm.response.text());
    }),
  }),
  request('Forgot password – unknown account', {
    method: 'POST',
    path: '/api/auth/forgot-password',
    headers: jsonHeader,
    body: json({ email: '{{unknown_email}}' }),
    tests: script(expectMessage, function () {
      expectMessage();
      pm.test('the same body as for an existing account', () => pm.expect(pm.response.text()).to.eql(pm.collectionVariables.get('forgot_body')));
    }),
  }),
  request('Reset password – wrong code (400)', {
    method: 'POST',
    path: '/api/auth/reset-password',
    headers: jsonHeader,
    body: json({ email: '{{email}}', otp: '{{wrong_code}}', new_password: '{{new_password}}' }),
    description: 'Reads the reset code (MailDev via `mail_url`, or `manual_reset_code`) and sends another one.',
    prerequest: codeFromMail('reset_code', 'manual_reset_code', '/reset/i'),
    tests: script(expectJsonError, function () {
      expectError(400, 'invalid_otp');
    }),
  }),
  request('Reset password', {
    method: 'POST',
    path: '/api/auth/reset-password',
    headers: jsonHeader,
    body: json({ email: '{{email}}', otp: '{{reset_code}}', new_password: '{{new_password}}' }),
    prerequest: skipUnless('reset_code'),
    tests: script(expectMessage, function () {
      expectMessage();
      pm.collectionVariables.set('reset_done', 'yes');
      pm.collectionVariables.set('old_access_token', pm.collectionVariables.get('access_token'));
    }),
  }),
  request('Login – old password after reset (401)', {
    method: 'POST',
    path: '/api/auth/login',
    headers: jsonHeader,
    body: json({ email: '{{email}}', password: '{{password}}' }),
    prerequest: skipUnless('reset_done'),
    tests: script(expectJsonError, function () {
      expectError(401, 'invalid_credentials');
    }),
  }),
  request('Login – new password', {
    method: 'POST',
    path: '/api/auth/login',
    headers: jsonHeader,
    body: json({ email: '{{email}}', password: '{{new_password}}' }),
    prerequest: skipUnless('reset_done'),
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('a new token', () => {
        const body = pm.response.json();
        pm.expect(body.token_type).to.eql('bearer');
        pm.collectionVariables.set('access_token', body.access_token);
        pm.collectionVariables.set('refresh_token', body.refresh_token);
      });
    }),
  }),
  request('Current user – token from before the reset (401)', {
    path: '/api/auth/user',
    auth: bearer('old_access_token'),
    description: 'A reset rejects every token issued before it.',
    prerequest: skipUnless('reset_done'),
    tests: script(function () {
      pm.test('status is 401', () => pm.response.to.have.status(401));
      pm.test('the token is refused', () => pm.expect(pm.response.json().code).to.be.oneOf(['invalid_token', 'token_expired']));
    }),
  }),
];

const documentation = [
  request('OpenAPI document', {
    path: '/openapi.json',
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('OpenAPI 3.1 with the auth endpoints', () => {
        const document = pm.response.json();
        pm.expect(document.openapi).to.match(/^3\.1\./);
        pm.expect(document.paths).to.include.keys('/api/auth/register', '/api/auth/login', '/api/auth/user');
      });
    }),
  }),
  request('Swagger UI', {
    path: '/docs',
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('an HTML page', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('text/html'));
      pm.test('its assets come from this server', () => pm.expect(pm.response.text()).not.to.match(/(src|href)="(https?:)?\/\//));
    }),
  }),
  request('ReDoc', {
    path: '/redoc',
    tests: script(function () {
      pm.test('status is 200', () => pm.response.to.have.status(200));
      pm.test('an HTML page', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('text/html'));
      pm.test('its assets come from this server', () => pm.expect(pm.response.text()).not.to.match(/(src|href)="(https?:)?\/\//));
    }),
  }),
];

const folder = (name, description, item) => ({ name, description, item });

const collection = {
  info: {
    _postman_id: '6f7c2b1e-5a4d-4c3b-9e8f-0a1b2c3d4e5f',
    name: 'ClockKo Backend',
    description: [
      'The ClockKo auth API (`/api/auth`), with tests on every request. Run the whole collection: it registers a new',
      'account (a new email each run), logs in, and carries the token to the requests after it.',
      '',
      'Variables: `base_url` (e.g. `http://localhost:8000` or the ALB DNS), `mail_url` (MailDev, e.g.',
      '`http://127.0.0.1:1080`: the verification and reset codes are read from it; leave empty against a real mail',
      'server and set `manual_verification_code` / `manual_reset_code` instead). See docs/postman.md.',
    ].join('\n'),
    schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
  },
  item: [
    folder('Health', 'Liveness, readiness and the root greeting.', health),
    folder('Auth', 'Register, log in (JSON and the OAuth2 form), read the current user, and the usual mistakes.', auth),
    folder('Sessions', 'Refresh the token pair, log out of one session, log out of all.', sessions),
    folder('Email verification', 'Mail a code and verify the email with it.', verification),
    folder('Password reset', 'Mail a reset code, set a new password, and check what it revokes.', reset),
    folder('Documentation', 'The OpenAPI document and the pages that render it.', documentation),
  ],
  event: [
    { listen: 'prerequest', script: { type: 'text/javascript', exec: lines(collectionPrerequest) } },
    { listen: 'test', script: { type: 'text/javascript', exec: lines(collectionTests) } },
  ],
  variable: [
    { key: 'base_url', value: 'http://localhost:8000', type: 'string' },
    { key: 'mail_url', value: '', type: 'string' },
    { key: 'email_prefix', value: 'clockko.postman', type: 'string' },
    { key: 'email_domain', value: 'example.com', type: 'string' },
    { key: 'password', value: 'Password123', type: 'string' },
    { key: 'new_password', value: 'NewPassword456', type: 'string' },
  ],
};

const text = `${JSON.stringify(collection, null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUTPUT, 'utf8');
  } catch {
    // missing: not up to date
  }
  if (current !== text) {
    console.error(`${OUTPUT} is not what postman/build-collection.mjs makes: run node postman/build-collection.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${OUTPUT}`);
}
