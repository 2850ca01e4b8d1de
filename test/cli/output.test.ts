// How a verb reports what went wrong: a PitError as itself (code and fix,
// exit 1), a bug as a bug (its stack, no code): engine export relies on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '../../core/errors.js';
import { exitCodes, reportError } from '../../core/cli/output.js';

/** reportError's exit code and what it wrote on stderr. */
function report(e: unknown): { code: number; stderr: string } {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: reportError(e), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test("an exporter's PitError is reported as itself with its fix and exit 1; a bug prints internal error with its stack", () => {
  const image = report(errors.PIT_E_EXPORT_IMAGE('web'));
  assert.equal(image.code, exitCodes.failed);
  assert.match(image.stderr, /^no image for process "web": .* \[PIT_E_EXPORT_IMAGE\]\n {2}fix: set export\.image/);
  assert.doesNotMatch(image.stderr, /internal error/);

  const bug = report(new TypeError("Cannot read properties of undefined (reading 'command')"));
  assert.equal(bug.code, exitCodes.failed);
  assert.match(bug.stderr, /^engine: internal error: TypeError: Cannot read properties of undefined \(reading 'command'\)\n {4}at /);
  assert.doesNotMatch(bug.stderr, /PIT_E_/, 'a bug claims no code');
});
