// Runs the Postman collection with newman against the real server and MailDev: every request runs
// (none skipped: the codes come from MailDev), every test in it passes. Run twice on one server, to
// show that each run makes its own account.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { runChecks } from './lib/checks.mjs';
import { requireMailDev, startServer } from './lib/server.mjs';

const postmanDir = process.env.CLOCKKO_POSTMAN_DIR;
const collectionPath = join(postmanDir, 'ClockKo.postman_collection.json');
const environmentPath = join(postmanDir, 'local.postman_environment.json');

function countRequests(items) {
  return items.reduce((n, item) => n + (item.item ? countRequests(item.item) : 1), 0);
}

function run(newman, options) {
  return new Promise((resolve, reject) => {
    newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary)));
  });
}

runChecks('docs_newman', async (checks) => {
  const mail = requireMailDev('docs_newman');
  const require = createRequire(join(process.env.CLOCKKO_NODE_MODULES, 'newman', 'package.json'));
  const newman = require('newman');
  const expectedRequests = countRequests(JSON.parse(readFileSync(collectionPath, 'utf8')).item);
  // Codes may be requested back to back in one run.
  const server = await startServer({ mail, env: { CODE_RESEND_SECONDS: '0' } });
  try {
    for (const round of [1, 2]) {
      const summary = await run(newman, {
        collection: collectionPath,
        environment: environmentPath,
        envVar: [
          { key: 'base_url', value: server.baseUrl },
          { key: 'mail_url', value: mail.url },
        ],
        reporters: ['cli'],
        reporter: { cli: { noSummary: false } },
        timeoutRequest: 20000,
        timeoutScript: 30000,
      });
      const { stats, failures, executions } = summary.run;
      // stats.requests also counts the scripts' own requests (to MailDev): count the items.
      const answered = new Set(executions.filter((e) => e.response).map((e) => e.item.id));
      checks.equal(answered.size, expectedRequests, `run ${round}: every request was sent and answered (none skipped)`);
      checks.equal(stats.requests.failed, 0, `run ${round}: no request failed`);
      checks.equal(stats.prerequestScripts.failed, 0, `run ${round}: no pre-request script failed`);
      checks.equal(stats.testScripts.failed, 0, `run ${round}: no test script failed`);
      checks.ok(stats.assertions.total >= 3 * expectedRequests, `run ${round}: assertions ran (${stats.assertions.total})`);
      checks.equal(stats.assertions.failed, 0, `run ${round}: every assertion passed`);
      for (const failure of failures) {
        checks.ok(false, `run ${round}: ${failure.source && failure.source.name}: ${failure.error && failure.error.message}`);
      }
    }
  } finally {
    const exit = await server.stop();
    if (!checks.ok(exit && exit.code === 0, `server stopped cleanly (${JSON.stringify(exit)})`) || checks.failures.length) {
      console.log(`--- server output (last 4000 characters) ---\n${server.output().slice(-4000)}`);
    }
  }
});
