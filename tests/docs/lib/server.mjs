// Starts the real `clockko` binary for a live check, and stops it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { request } from './http.mjs';

export const SKIP = 77;

/// The MailDev of scripts/with-maildev.sh, or exit: skip (77), or fail when
/// CLOCKKO_REQUIRE_MAILDEV=1 (make test), so that `make test` never passes without running.
export function requireMailDev(name) {
  const smtpPort = process.env.CLOCKKO_TEST_MAILDEV_SMTP_PORT;
  const webPort = process.env.CLOCKKO_TEST_MAILDEV_WEB_PORT;
  if (smtpPort && webPort) {
    return { smtpPort, webPort, url: `http://127.0.0.1:${webPort}` };
  }
  if (process.env.CLOCKKO_REQUIRE_MAILDEV === '1') {
    console.log(`FAIL ${name}: CLOCKKO_REQUIRE_MAILDEV=1 but no MailDev (run under scripts/with-maildev.sh)`);
    process.exit(1);
  }
  console.log(`SKIP ${name}: no MailDev (run under scripts/with-maildev.sh)`);
  process.exit(SKIP);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/// Starts `clockko serve` on a free loopback port, in an empty working directory (so that no
/// .env of the checkout is read), with SQLite in memory, cheap bcrypt and SMTP to MailDev (when
/// `mail` is given).
/// Resolves to {baseUrl, secretKey, workDir, stop(), output()} once /health answers 200.
export async function startServer({ mail = undefined, env = {} } = {}) {
  if (!process.env.CLOCKKO_SERVER_BINARY) throw new Error('CLOCKKO_SERVER_BINARY is not set');
  // Absolute: the server runs in its own working directory.
  const binary = resolve(process.env.CLOCKKO_SERVER_BINARY);
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'clockko-docs-'));
  const secretKey = randomBytes(32).toString('hex');
  const environment = {
    PATH: process.env.PATH,
    HOME: workDir,
    APP_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: 'sqlite:///:memory:',
    BCRYPT_ROUNDS: '4',
    SECRET_KEY: secretKey,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warning',
    // Without MailDev (the browser check needs none), development mode writes mail to the log.
    ...(mail
      ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.smtpPort), SMTP_TLS: 'off', SMTP_FROM: 'noreply@clockko.test', SMTP_FROM_NAME: 'ClockKo' }
      : {}),
    FRONTEND_URL: 'http://localhost:3000',
    DB_CONNECT_TIMEOUT_SECONDS: '5',
    // Every request comes from 127.0.0.1: the per-address throttles would add up over unrelated
    // scenarios (a test that wants one sets it in `env`).
    LOGIN_MAX_FAILURES_ADDRESS: '1000000',
    CODE_MAX_PER_HOUR_ADDRESS: '1000000',
    CODE_MAX_FAILURES_ADDRESS: '1000000',
    ...env,
  };
  for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'TSAN_OPTIONS', 'LSAN_OPTIONS']) {
    if (process.env[name] && !(name in env)) environment[name] = process.env[name];
  }
  const child = spawn(binary, ['serve'], { cwd: workDir, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((done) => {
    child.on('exit', (code, signal) => done({ code, signal }));
    child.on('error', (error) => done({ code: null, signal: null, error: error.message }));
  });
  let exit;
  exited.then((result) => { exit = result; });
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30000;
  for (;;) {
    if (exit) throw new Error(`clockko exited at start (${JSON.stringify(exit)}):\n${output}`);
    try {
      const health = await request(baseUrl, { path: '/health' });
      if (health.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`clockko did not answer /health within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    baseUrl,
    secretKey,
    workDir,
    output: () => output,
    /// SIGTERM, then the exit status: a clean stop is {code: 0}; sanitizer reports make it fail.
    async stop() {
      if (!exit) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(workDir, { recursive: true, force: true });
      return exit;
    },
  };
}
