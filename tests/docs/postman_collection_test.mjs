// Static checks of the Postman collection and environments (no server needed): generated from
// postman/build-collection.mjs, format v2.1, one request at least per documented operation and
// none for an undocumented one, tests on every request, scripts that compile, the error cases,
// and environments that do not shadow the variables the scripts set.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { runChecks } from './lib/checks.mjs';
import { loadDocument, operations } from './lib/openapi.mjs';

const postmanDir = process.env.CLOCKKO_POSTMAN_DIR;
const readJson = (name) => JSON.parse(readFileSync(join(postmanDir, name), 'utf8'));
const RUNTIME_VARIABLES = [
  'email', 'unknown_email', 'access_token', 'old_access_token', 'user_id', 'verification_code',
  'reset_code', 'wrong_code', 'mail_seen', 'verified', 'reset_done', 'send_body', 'forgot_body',
];

function requests(items, folder = '') {
  return items.flatMap((item) =>
    item.item ? requests(item.item, item.name) : [{ ...item, folder }],
  );
}

function scriptsOf(item) {
  return (item.event || []).map((event) => ({ listen: event.listen, code: event.script.exec.join('\n') }));
}

runChecks('docs_postman_collection', (checks) => {
  if (!postmanDir) throw new Error('CLOCKKO_POSTMAN_DIR is not set');
  try {
    execFileSync(process.execPath, [join(postmanDir, 'build-collection.mjs'), '--check'], { stdio: 'pipe' });
    checks.ok(true, 'collection up to date');
  } catch (error) {
    checks.ok(false, `ClockKo.postman_collection.json is stale: ${error.stderr}`);
  }

  const collection = readJson('ClockKo.postman_collection.json');
  checks.equal(collection.info.schema, 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json', 'format v2.1');
  const require = createRequire(join(process.env.CLOCKKO_NODE_MODULES, 'newman', 'package.json'));
  const { Collection } = require('postman-collection');
  const parsed = new Collection(collection);
  let parsedCount = 0;
  parsed.forEachItem(() => { parsedCount += 1; });

  const all = requests(collection.item);
  checks.equal(parsedCount, all.length, 'postman-collection reads every request');
  checks.ok(all.length >= 25, `requests (${all.length})`);
  const folders = collection.item.map((folder) => folder.name);
  for (const folder of ['Health', 'Auth', 'Email verification', 'Password reset']) {
    checks.ok(folders.includes(folder), `folder ${folder}`);
  }

  const served = new Set();
  for (const item of all) {
    const { method } = item.request;
    const raw = item.request.url.raw;
    checks.ok(raw.startsWith('{{base_url}}/'), `${item.name}: URL starts with {{base_url}}`);
    served.add(`${method.toLowerCase()} ${raw.replace('{{base_url}}', '')}`);
    const scripts = scriptsOf(item);
    checks.ok(scripts.some((s) => s.listen === 'test' && /pm\.test\(/.test(s.code)), `${item.name}: has tests`);
    checks.ok(scripts.some((s) => s.listen === 'test' && /status/.test(s.code)), `${item.name}: tests the status`);
    for (const { listen, code } of scripts) {
      try {
        // eslint-disable-next-line no-new-func
        new Function('pm', code);
        checks.ok(true, 'compiles');
      } catch (error) {
        checks.ok(false, `${item.name} ${listen} script does not compile: ${error.message}`);
      }
    }
  }
  for (const { listen, code } of scriptsOf(collection)) {
    checks.ok(!!new Function('pm', code), `collection ${listen} script compiles`);
  }

  const documented = new Set(operations(loadDocument()).map(({ method, path }) => `${method} ${path}`));
  for (const operation of documented) {
    checks.ok(served.has(operation), `documented ${operation} has a request`);
  }
  for (const operation of served) {
    checks.ok(documented.has(operation), `request ${operation} is documented`);
  }

  const testsText = all.map((item) => scriptsOf(item).map((s) => s.code).join('\n')).join('\n');
  for (const [status, code] of [[409, 'email_taken'], [401, 'invalid_credentials'], [401, 'not_authenticated'], [400, 'invalid_otp'], [422, 'validation_error']]) {
    checks.ok(testsText.includes(`expectError(${status}, '${code}')`), `an error case ${status} ${code}`);
  }
  checks.ok(/mail_url[\s\S]*\/api\/email/.test(testsText), 'codes are read from MailDev GET {{mail_url}}/api/email');
  checks.ok(/set\('access_token'/.test(testsText) && all.some((i) => JSON.stringify(i.request.auth || {}).includes('{{access_token}}')), 'the token is chained');

  const local = readJson('local.postman_environment.json');
  const alb = readJson('alb.postman_environment.example.json');
  const value = (environment, key) => (environment.values.find((v) => v.key === key) || {}).value;
  checks.equal(value(local, 'base_url'), 'http://localhost:8000', 'local base_url');
  checks.equal(value(local, 'mail_url'), 'http://127.0.0.1:1080', 'local mail_url');
  checks.ok(/^http:\/\/clockko-backend-alb-[0-9]+\.eu-west-1\.elb\.amazonaws\.com$/.test(value(alb, 'base_url')), 'ALB base_url placeholder');
  for (const environment of [local, alb]) {
    checks.equal(environment._postman_variable_scope, 'environment', `${environment.name}: an environment file`);
    for (const { key } of environment.values) {
      checks.ok(!RUNTIME_VARIABLES.includes(key), `${environment.name}: ${key} would shadow the variable the scripts set`);
    }
  }
});
