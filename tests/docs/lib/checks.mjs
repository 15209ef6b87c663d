// A small assertion collector for the docs checks: every check is counted, failures are listed,
// and the run ends with the "N passed, N failed" line that ctest logs show.
export class Checks {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failures = [];
  }

  ok(condition, message) {
    if (condition) {
      this.passed += 1;
    } else {
      this.failures.push(message);
      console.log(`FAIL ${message}`);
    }
    return Boolean(condition);
  }

  equal(actual, expected, message) {
    return this.ok(
      actual === expected,
      `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }

  noErrors(errors, message) {
    return this.ok(errors.length === 0, `${message}:\n    ${errors.join('\n    ')}`);
  }

  /// Prints the summary and returns the process exit code.
  finish() {
    console.log(`${this.name}: ${this.passed} passed, ${this.failures.length} failed`);
    return this.failures.length === 0 ? 0 : 1;
  }
}

/// Runs main(checks) and exits with its result; an exception is a failure, never a pass.
export async function runChecks(name, main) {
  const checks = new Checks(name);
  let code;
  try {
    const result = await main(checks);
    code = typeof result === 'number' ? result : checks.finish();
  } catch (error) {
    console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
    checks.failures.push(String(error));
    code = checks.finish();
  }
  process.exit(code);
}
