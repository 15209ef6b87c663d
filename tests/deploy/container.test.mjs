// Static checks of the container files (no Docker engine needed): the Dockerfile's stages, user,
// port, health check and entry point; that its runtime packages (scripts/install-deps.sh runtime)
// are exactly the ones providing the libraries the built binary links (CLOCKKO_BINARY, set by
// ctest); the build context; and docker-compose.yml's wiring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib.mjs';

const read = (file) => fs.readFileSync(path.join(repoRoot, file), 'utf8');

// Dockerfile instructions, continuation lines joined, comments dropped, grouped by stage.
function dockerStages() {
  const lines = read('Dockerfile').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = [];
  for (const line of lines) {
    const [, instruction, args] = /^(\S+)\s*(.*)$/.exec(line);
    const upper = instruction.toUpperCase();
    if (upper === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ image, name, steps: [] });
    } else if (stages.length > 0) {
      stages.at(-1).steps.push({ instruction: upper, args });
    }
  }
  return stages;
}
const argsOf = (stage, instruction) => stage.steps.filter((s) => s.instruction === instruction).map((s) => s.args);

// A bash array assignment `name=( ... )` of scripts/install-deps.sh.
function installDepsList(name) {
  const match = new RegExp(`^${name}=\\(([^)]*)\\)`, 'm').exec(read('scripts/install-deps.sh'));
  assert.ok(match, `scripts/install-deps.sh has no ${name}=(...)`);
  return match[1].split(/\s+/).filter(Boolean);
}

const kRuntimeLibraries = ['ca-certificates', 'libboost-json1.81.0', 'libssl3', 'libcrypt1', 'libjwt0', 'libpq5', 'libsqlite3-0', 'libcurl4'];
// Present in every debian:12-slim image (apt itself needs them).
const kBaseImagePackages = ['libc6', 'libstdc++6', 'libgcc-s1'];

test('multi-stage: Debian 12 build stage, Debian 12 slim runtime stage', () => {
  const stages = dockerStages();
  assert.equal(stages.length, 2);
  assert.deepEqual(stages.map((s) => [s.image, s.name]), [['debian:12', 'build'], ['debian:12-slim', 'runtime']]);
});

test('the build stage runs the same scripts as make', () => {
  const [build] = dockerStages();
  const runs = argsOf(build, 'RUN').join('\n');
  assert.match(runs, /scripts\/install-deps\.sh build/);
  assert.match(runs, /\bmake build\b/);
  assert.ok(runs.indexOf('install-deps.sh') < runs.indexOf('make build'));
  assert.match(read('Makefile'), /^build:/m, 'the Makefile has a build target');
});

test('the runtime stage has only the runtime libraries, the binary and a non-root user', () => {
  const [, runtime] = dockerStages();
  const runs = argsOf(runtime, 'RUN').join('\n');
  assert.match(runs, /install-deps\.sh runtime/);
  assert.doesNotMatch(runs, /apt-get install|-dev\b|\bg\+\+|\bcmake\b/, 'no build tools or extra packages in the runtime image');
  const runtimeList = installDepsList('runtime_packages');
  for (const pkg of kRuntimeLibraries) assert.ok(runtimeList.includes(pkg), `the runtime list lacks ${pkg}`);
  for (const pkg of runtimeList) assert.doesNotMatch(pkg, /-dev$|^(g\+\+|gcc|cmake|make|ninja-build)$/, `${pkg} is a build package`);
  assert.ok(argsOf(runtime, 'COPY').some((a) => /^--from=build\s+\S*build\/release\/clockko\s+\/usr\/local\/bin\/clockko$/.test(a)));

  const users = argsOf(runtime, 'USER');
  assert.ok(users.length > 0, 'a USER is set');
  assert.doesNotMatch(users.at(-1), /^(root|0)(:|$)/, 'the last USER is not root');
});

test('port 8000 exposed, health check and entry point through the clockko binary', () => {
  const [, runtime] = dockerStages();
  const serverPort = /struct Config\s*\{[\s\S]*?\bint\s+port\s*=\s*(\d+)\s*;/.exec(read('src/config/config.hpp'))[1];
  assert.deepEqual(argsOf(runtime, 'EXPOSE'), [serverPort]);
  assert.equal(serverPort, '8000');
  const [health] = argsOf(runtime, 'HEALTHCHECK');
  assert.match(health, /CMD \["clockko", "healthcheck"\]$/);
  assert.deepEqual(argsOf(runtime, 'ENTRYPOINT'), ['["clockko"]']);
  assert.deepEqual(argsOf(runtime, 'CMD'), ['["serve"]']);
});

test('the runtime packages are the libraries the built binary links', (t) => {
  const binary = process.env.CLOCKKO_BINARY;
  if (!binary || !fs.existsSync(binary)) return t.skip('CLOCKKO_BINARY not built');
  const needed = spawnSync('objdump', ['-p', binary], { encoding: 'utf8' });
  if (needed.status !== 0) return t.skip('objdump not available');
  const sonames = [...needed.stdout.matchAll(/^\s*NEEDED\s+(\S+)$/gm)].map((m) => m[1])
    .filter((s) => !/^lib(asan|ubsan|tsan)\./.test(s)); // sanitizer builds only
  assert.ok(sonames.length > 3, `NEEDED entries of ${binary}`);
  const resolved = spawnSync('ldd', [binary], { encoding: 'utf8' }).stdout;
  const runtimeList = installDepsList('runtime_packages');
  const allowed = new Set([...runtimeList, ...kBaseImagePackages]);
  const used = new Set(['ca-certificates']); // read at run time, not linked
  for (const soname of sonames) {
    const where = new RegExp(`^\\s*${soname.replace(/[.+]/g, '\\$&')} => (\\S+)`, 'm').exec(resolved);
    assert.ok(where, `ldd does not resolve ${soname}`);
    // Debian 12 merges /lib into /usr/lib, but dpkg records each file under the path its package
    // shipped: ask for every spelling of the file.
    const real = fs.realpathSync(where[1]);
    const candidates = [where[1], real].flatMap((p) => [p, p.replace(/^\/usr\/lib\//, '/lib/'), p.replace(/^\/lib\//, '/usr/lib/')]);
    const owner = candidates.map((p) => spawnSync('dpkg', ['-S', p], { encoding: 'utf8' }))
      .find((r) => r.status === 0) ?? { status: 1, stdout: '' };
    assert.equal(owner.status, 0, `no package owns ${where[1]}`);
    const pkg = owner.stdout.split(':')[0];
    assert.ok(allowed.has(pkg), `${soname} comes from ${pkg}, which the runtime list (scripts/install-deps.sh) lacks`);
    used.add(pkg);
  }
  for (const pkg of runtimeList) assert.ok(used.has(pkg), `${pkg} is in the runtime list but the binary links nothing from it`);
});

test('.dockerignore keeps secrets and build output out, and what make build needs in', () => {
  const patterns = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ignored = (name) => patterns.some((p) => {
    const plain = p.replace(/^\*\*\//, '').replace(/\/$/, '');
    const regex = new RegExp(`^${plain.replace(/[.+]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`);
    return regex.test(name);
  });
  for (const name of ['.git', '.env', 'node_modules', 'build', 'build-asan', 'terraform.tfstate', 'prod.tfvars']) assert.ok(ignored(name), `${name} is sent to the daemon`);
  for (const name of ['src', 'scripts', 'CMakeLists.txt', 'CMakePresets.json', 'Makefile', 'package.json', 'package-lock.json', 'config.example.env']) assert.ok(!ignored(name), `${name} is needed by make build`);
});

// The `environment:` entries of one service of docker-compose.yml (a flat map in this file).
function composeEnvironment(service) {
  const lines = read('docker-compose.yml').split('\n');
  const start = lines.findIndex((l) => l === `  ${service}:`);
  assert.ok(start >= 0, `service ${service}`);
  const env = {};
  let inEnv = false;
  for (const line of lines.slice(start + 1)) {
    if (/^  \S/.test(line) || /^\S/.test(line)) break; // next service or top-level key
    if (/^    environment:\s*$/.test(line)) { inEnv = true; continue; }
    if (inEnv && /^    \S/.test(line)) inEnv = false;
    const entry = inEnv && /^      ([A-Z_][A-Z0-9_]*):\s*(.*)$/.exec(line);
    if (entry) env[entry[1]] = entry[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

test('docker-compose: PostgreSQL 15, MailDev and the API wired like production', () => {
  const compose = read('docker-compose.yml');
  assert.match(compose, /^  db:\n    image: postgres:15\b/m);
  assert.match(compose, /^  maildev:\n    image: maildev\/maildev:/m);
  assert.match(compose, /^  api:\n    build: \.$/m);
  const env = composeEnvironment('api');
  assert.match(env.DATABASE_URL, /^postgresql:\/\/clockko:[^@]+@db:5432\/clockko$/);
  const db = composeEnvironment('db');
  assert.equal(decodeURIComponent(/^postgresql:\/\/clockko:([^@]+)@/.exec(env.DATABASE_URL)[1]), db.POSTGRES_PASSWORD);
  assert.equal(env.SMTP_HOST, 'maildev');
  assert.equal(env.PORT, '8000');
  assert.ok(Buffer.byteLength(env.SECRET_KEY) >= 32);
  // Every variable the ECS task sets, except the SMTP credentials MailDev does not need.
  const ecs = read('deploy/terraform/ecs.tf');
  const block = /app_environment = \{([\s\S]*?)\n  \}/.exec(ecs)[1];
  const taskNames = [...block.matchAll(/^\s+([A-Z_][A-Z0-9_]*)\s*=/gm)].map((m) => m[1]).concat(['SECRET_KEY', 'DATABASE_URL']);
  for (const name of taskNames) assert.ok(name in env, `${name} is set in ECS but not in docker-compose`);
});
