// No AWS account id, SSO start URL or credential may be written into the repository: the
// deployment files must stay usable by any account, and a leaked key is a leaked key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './lib.mjs';

const self = path.relative(repoRoot, fileURLToPath(import.meta.url));

// The files of the repository (tracked, and untracked but not ignored), as git sees them.
function repositoryFiles() {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(listed.status, 0, `git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split('\0').filter((f) => f && fs.existsSync(path.join(repoRoot, f)) && fs.statSync(path.join(repoRoot, f)).isFile());
}
const isText = (buffer) => !buffer.subarray(0, 8000).includes(0);

// The deployment and developer-workflow files: here even a 12-digit number is suspect.
const kDeployFiles = /^(Dockerfile|\.dockerignore|docker-compose\.yml|deploy\/|\.github\/|scripts\/make-env\.|docs\/aws-sso\.md|docs\/ecs-testing\.md|tests\/deploy\/)/;

const kEverywhere = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/awsapps\.com/i, 'an AWS SSO start URL'],
  [/aws_secret_access_key\s*[=:]\s*\S/i, 'an AWS secret key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
];
const kInDeployFiles = [
  [/(?<![0-9])[0-9]{12}(?![0-9])/, 'a 12-digit number (an AWS account id?)'],
  [/sso_start_url\s*=\s*https?:/, 'a real SSO start URL (use <SSO_START_URL>)'],
  [/sso_account_id\s*=\s*[0-9]/, 'a real account id (use <ACCOUNT_ID>)'],
];

test('the deployment files exist where the scan looks', () => {
  const files = repositoryFiles().filter((f) => kDeployFiles.test(f));
  for (const expected of ['Dockerfile', 'docker-compose.yml', 'deploy/terraform/iam.tf', '.github/workflows/deploy.yml', 'scripts/make-env.sh', 'docs/aws-sso.md', 'docs/ecs-testing.md']) {
    assert.ok(files.includes(expected), `${expected} is not in the repository`);
  }
});

test('no account id, SSO URL or credential in the repository', () => {
  const findings = [];
  for (const file of repositoryFiles()) {
    if (file === self) continue; // it spells the patterns out
    const buffer = fs.readFileSync(path.join(repoRoot, file));
    if (buffer.length > 4 * 1024 * 1024 || !isText(buffer)) continue;
    const text = buffer.toString('utf8');
    const rules = kDeployFiles.test(file) ? [...kEverywhere, ...kInDeployFiles] : kEverywhere;
    text.split('\n').forEach((line, index) => {
      for (const [pattern, what] of rules) {
        if (pattern.test(line)) findings.push(`${file}:${index + 1}: ${what}`);
      }
    });
  }
  assert.deepEqual(findings, []);
});
