// Runs scripts/make-env.sh against a stand-in `aws` (tests/deploy/fake-aws/aws) put first on PATH,
// with canned secrets full of awkward characters, and checks the .env it writes and the errors it
// gives. The .env is read back with the server's own parser when CLOCKKO_DOTENV_DUMP names the
// clockko_dotenv_dump helper (ctest sets it), and always with readDotEnv below, which follows the
// same grammar (src/config/dotenv.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './lib.mjs';

const kScript = path.join(repoRoot, 'scripts/make-env.sh');
const kFakeAws = path.join(repoRoot, 'tests/deploy/fake-aws/aws');
const kExpectedEnv = path.join(repoRoot, 'tests/deploy/fixtures/make-env.expected.env');

// Quotes, $, backticks, spaces, #, a backslash, newlines (one at the end), a tab, non-ASCII.
const kJwtSecret = 'k3y "with" quotes $HOME ${PATH} `id` $(id) # not a comment \\n stays\nsecond line\ttab\u00e9\n';
// Every character that must be percent-encoded in a URL's userinfo, and some that need not be.
const kDbPassword = 'p@ss:w/rd#?%&=+ [x]{y}<z>!$\'"`~^|\\-_.';
const kDbHost = 'clockko-db.example.eu-west-1.rds.amazonaws.com';

const bash = (() => {
  const found = spawnSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' });
  assert.equal(found.status, 0, 'bash is needed');
  return found.stdout.trim();
})();
const toolPath = (name) => spawnSync(bash, ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();

// A scratch folder with a bin/ holding the fake aws, and canned secrets.
function sandbox({ jwt = { jwt_secret: kJwtSecret, jwt_secret_previous: '' }, db = defaultDbSecret() } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clockko-make-env-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'secrets'));
  fs.mkdirSync(path.join(dir, 'work'));
  fs.symlinkSync(kFakeAws, path.join(dir, 'bin', 'aws'));
  const put = (id, value) => fs.writeFileSync(path.join(dir, 'secrets', `${id}.json`), typeof value === 'string' ? value : JSON.stringify(value));
  if (jwt !== null) put('clockko-jwt-secret', jwt);
  if (db !== null) put('clockko-db-creds', db);
  return {
    dir,
    work: path.join(dir, 'work'),
    envFile: path.join(dir, 'work', '.env'),
    put,
    calls: () => {
      const log = path.join(dir, 'aws.log');
      return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('\t')) : [];
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
function defaultDbSecret() {
  return { engine: 'postgres', username: 'clockko', password: kDbPassword, host: kDbHost, port: 5432, dbname: 'clockko' };
}

function run(box, args = [], { env = {}, pathDirs } = {}) {
  const PATH = pathDirs ? pathDirs.join(':') : `${path.join(box.dir, 'bin')}:${process.env.PATH}`;
  const childEnv = { HOME: box.dir, PATH, FAKE_AWS_LOG: path.join(box.dir, 'aws.log'), FAKE_AWS_SECRETS_DIR: path.join(box.dir, 'secrets'), ...env };
  return spawnSync(bash, [kScript, ...args], { cwd: box.work, env: childEnv, encoding: 'utf8' });
}

// The .env grammar of src/config/dotenv.cpp: KEY=value, `export KEY=value`, # comments, '...'
// literal, "..." where \n \r \t are control characters and any other escaped character is itself.
function readDotEnv(text) {
  const out = {};
  text.split('\n').forEach((raw, index) => {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('export ')) line = line.slice(7).trim();
    const eq = line.indexOf('=');
    const key = line.slice(0, eq).trim();
    assert.ok(eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key), `.env line ${index + 1}: expected KEY=value`);
    const rawValue = line.slice(eq + 1).trim();
    let value = '';
    let rest = '';
    if (rawValue.startsWith("'")) {
      const close = rawValue.indexOf("'", 1);
      assert.ok(close > 0, `.env line ${index + 1}: unterminated single quote`);
      value = rawValue.slice(1, close);
      rest = rawValue.slice(close + 1);
    } else if (rawValue.startsWith('"')) {
      let i = 1;
      for (; i < rawValue.length && rawValue[i] !== '"'; ++i) {
        if (rawValue[i] === '\\' && i + 1 < rawValue.length) {
          const c = rawValue[++i];
          value += { n: '\n', r: '\r', t: '\t' }[c] ?? c;
        } else {
          value += rawValue[i];
        }
      }
      assert.ok(i < rawValue.length, `.env line ${index + 1}: unterminated double quote`);
      rest = rawValue.slice(i + 1);
    } else {
      const comment = rawValue.indexOf(' #');
      value = (comment < 0 ? rawValue : rawValue.slice(0, comment)).trim();
    }
    rest = rest.trim();
    assert.ok(rest === '' || rest.startsWith('#'), `.env line ${index + 1}: text after the closing quote`);
    out[key] = value;
  });
  return out;
}

// RFC 3986 percent-encoding of everything but the unreserved characters, byte by byte.
function percentEncode(text) {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

// The server's own reading of the file, or null when the helper was not built.
function serverReading(file) {
  const helper = process.env.CLOCKKO_DOTENV_DUMP;
  if (!helper) return null;
  const result = spawnSync(helper, [file], { encoding: 'utf8' });
  assert.equal(result.status, 0, `the server's parser rejects the .env: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function assertNoSecretIn(result) {
  for (const stream of [result.stdout, result.stderr]) {
    assert.ok(!stream.includes('k3y'), 'the JWT secret is printed');
    assert.ok(!stream.includes('p@ss'), 'the database password is printed');
  }
}

test('--help prints the usage and exits 0', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const result = run(box, ['--help']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: scripts\/make-env\.sh/);
  assert.match(result.stdout, /--force/);
  assert.deepEqual(box.calls(), []);
});

test('an unknown option is a usage error (exit 2)', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const result = run(box, ['--frobnicate']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown option: --frobnicate/);
  assert.equal(fs.existsSync(box.envFile), false);
});

test('writes SECRET_KEY and a URL-encoded DATABASE_URL that read back exactly', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const result = run(box);
  assert.equal(result.status, 0, result.stderr);
  assertNoSecretIn(result);

  assert.equal(fs.statSync(box.envFile).mode & 0o777, 0o600);
  const text = fs.readFileSync(box.envFile, 'utf8');
  assert.equal(text, fs.readFileSync(kExpectedEnv, 'utf8'), 'the file differs from tests/deploy/fixtures/make-env.expected.env');
  assert.deepEqual(fs.readdirSync(box.work), ['.env'], 'no temporary file left behind');

  const expectedUrl = `postgresql://clockko:${percentEncode(kDbPassword)}@${kDbHost}:5432/clockko`;
  const values = readDotEnv(text);
  assert.deepEqual(Object.keys(values).sort(), ['DATABASE_URL', 'SECRET_KEY']);
  assert.equal(values.SECRET_KEY, kJwtSecret);
  assert.equal(values.DATABASE_URL, expectedUrl);
  const url = new URL(values.DATABASE_URL);
  assert.equal(decodeURIComponent(url.password), kDbPassword);
  assert.equal(url.hostname, kDbHost);
  assert.equal(url.port, '5432');
  assert.equal(url.pathname, '/clockko');

  const server = serverReading(box.envFile);
  if (server === null) {
    t.diagnostic('CLOCKKO_DOTENV_DUMP not set: checked with the reference parser only');
  } else {
    assert.deepEqual(server.variables, { SECRET_KEY: kJwtSecret, DATABASE_URL: expectedUrl });
    assert.deepEqual(server.database, { user: 'clockko', password: kDbPassword, host: kDbHost, port: 5432, database: 'clockko' });
  }

  const calls = box.calls();
  assert.deepEqual(calls.map((c) => c.slice(0, 2).join(' ')), ['sts get-caller-identity', 'secretsmanager get-secret-value', 'secretsmanager get-secret-value']);
  assert.ok(calls[1].join(' ').includes('--secret-id clockko-jwt-secret'));
  assert.ok(calls[2].join(' ').includes('--secret-id clockko-db-creds'));
  for (const call of calls) {
    assert.ok(call.join(' ').includes('--profile clockko-cloud-engineer'), `default profile: ${call.join(' ')}`);
    assert.ok(call.join(' ').includes('--region eu-west-1'), `default region: ${call.join(' ')}`);
  }
});

test('takes database_url from the secret as Terraform writes it', (t) => {
  const url = `postgresql://clockko:${percentEncode(kDbPassword)}@${kDbHost}:5432/clockko?sslmode=require`;
  const box = sandbox({ db: { ...defaultDbSecret(), database_url: url } });
  t.after(box.cleanup);
  const result = run(box);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readDotEnv(fs.readFileSync(box.envFile, 'utf8')).DATABASE_URL, url);
  const server = serverReading(box.envFile);
  if (server !== null) assert.equal(server.database.password, kDbPassword);
});

test('refuses to overwrite an existing .env without --force, replaces it with --force', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  fs.writeFileSync(box.envFile, 'KEEP=me\n', { mode: 0o644 });

  const refused = run(box);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /\.env already exists.*--force/s);
  assert.equal(fs.readFileSync(box.envFile, 'utf8'), 'KEEP=me\n');
  assert.deepEqual(box.calls(), [], 'nothing is asked of AWS');

  const forced = run(box, ['--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(readDotEnv(fs.readFileSync(box.envFile, 'utf8')).SECRET_KEY, kJwtSecret);
  assert.equal(fs.statSync(box.envFile).mode & 0o777, 0o600, 'the replaced file is private too');
});

test('a profile that is not logged in gets a clear message and no .env', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const result = run(box, [], { env: { FAKE_AWS_LOGGED_OUT: '1' } });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /profile "clockko-cloud-engineer" is not logged in/);
  assert.match(result.stderr, /aws sso login --profile clockko-cloud-engineer/);
  assert.match(result.stderr, /Token has expired/, "the CLI's own reason is shown");
  assert.equal(fs.existsSync(box.envFile), false);
  assert.deepEqual(box.calls().map((c) => c[1]), ['get-caller-identity'], 'no secret is read');
});

test('jq missing gets a clear message and no .env', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const result = run(box, [], { pathDirs: [path.join(box.dir, 'bin')] }); // only the fake aws
  assert.equal(result.status, 1);
  assert.match(result.stderr, /jq is not installed/);
  assert.match(result.stderr, /apt-get install jq/);
  assert.equal(fs.existsSync(box.envFile), false);
  assert.deepEqual(box.calls(), []);
});

test('the AWS CLI missing gets a clear message', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const onlyJq = path.join(box.dir, 'only-jq');
  fs.mkdirSync(onlyJq);
  fs.symlinkSync(toolPath('jq'), path.join(onlyJq, 'jq'));
  const result = run(box, [], { pathDirs: [onlyJq] });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /AWS CLI \('aws'\) is not on PATH/);
  assert.match(result.stderr, /docs\/aws-sso\.md/);
});

test('--profile, --region and AWS_PROFILE are passed to every call', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  assert.equal(run(box, [], { env: { AWS_PROFILE: 'from-env' } }).status, 0);
  for (const call of box.calls()) assert.ok(call.join(' ').includes('--profile from-env'));

  const other = sandbox();
  t.after(other.cleanup);
  assert.equal(run(other, ['--profile', 'other', '--region=eu-central-1', '--output', 'custom.env'], { env: { AWS_PROFILE: 'from-env' } }).status, 0);
  for (const call of other.calls()) {
    assert.ok(call.join(' ').includes('--profile other'));
    assert.ok(call.join(' ').includes('--region eu-central-1'));
  }
  assert.ok(fs.existsSync(path.join(other.work, 'custom.env')));
  assert.equal(fs.existsSync(other.envFile), false);
});

test('a secret that cannot be read fails clearly and leaves nothing behind', (t) => {
  const box = sandbox({ db: null });
  t.after(box.cleanup);
  const result = run(box);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /cannot read secret "clockko-db-creds" in eu-west-1/);
  assert.match(result.stderr, /ResourceNotFoundException/);
  assert.deepEqual(fs.readdirSync(box.work), []);
});

test('secrets without the expected fields are refused by name', async (t) => {
  const cases = [
    [{ jwt: { secret: 'x' } }, /jwt_secret in clockko-jwt-secret is missing or empty/],
    [{ jwt: { jwt_secret: '' } }, /jwt_secret in clockko-jwt-secret is missing or empty/],
    [{ jwt: 'not json' }, /secret "clockko-jwt-secret" is not a JSON object/],
    [{ db: { username: 'u', host: 'h' } }, /password in clockko-db-creds is missing or empty/],
    [{ jwt: { jwt_secret: 'bell\u0007' } }, /jwt_secret in clockko-jwt-secret contains a control character/],
  ];
  for (const [secrets, message] of cases) {
    const box = sandbox(secrets);
    t.after(box.cleanup);
    const result = run(box);
    assert.equal(result.status, 1, JSON.stringify(secrets));
    assert.match(result.stderr, message);
    assert.deepEqual(fs.readdirSync(box.work), [], 'no .env and no temporary file');
  }
});

// scripts/make-env.ps1 is the Windows twin. PowerShell is not on the build machines, so it is run
// only where `pwsh` exists; everywhere its defaults are checked against make-env.sh's.
test('make-env.ps1 has the defaults and refusals of make-env.sh', (t) => {
  const ps1 = fs.readFileSync(path.join(repoRoot, 'scripts/make-env.ps1'), 'utf8');
  for (const text of ["'clockko-cloud-engineer'", "'eu-west-1'", "'clockko-jwt-secret'", "'clockko-db-creds'", "'.env'",
    'already exists; it was left unchanged. Run again with -Force', 'aws sso login --profile', 'sts get-caller-identity', 'chmod 600']) {
    assert.ok(ps1.includes(text), `make-env.ps1 lacks ${text}`);
  }
  const pwsh = toolPath('pwsh');
  if (!pwsh) return t.skip('pwsh is not installed: make-env.ps1 checked statically only');

  const box = sandbox();
  t.after(box.cleanup);
  const env = { HOME: box.dir, PATH: `${path.join(box.dir, 'bin')}:${process.env.PATH}`, FAKE_AWS_LOG: path.join(box.dir, 'aws.log'), FAKE_AWS_SECRETS_DIR: path.join(box.dir, 'secrets') };
  const result = spawnSync(pwsh, ['-NoProfile', '-File', path.join(repoRoot, 'scripts/make-env.ps1')], { cwd: box.work, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const written = fs.readFileSync(box.envFile, 'utf8');
  const expected = fs.readFileSync(kExpectedEnv, 'utf8').replace('scripts/make-env.sh', 'scripts/make-env.ps1');
  assert.equal(written, expected);
  assert.equal(fs.statSync(box.envFile).mode & 0o777, 0o600);
  const again = spawnSync(pwsh, ['-NoProfile', '-File', path.join(repoRoot, 'scripts/make-env.ps1')], { cwd: box.work, env, encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /-Force/);
});
