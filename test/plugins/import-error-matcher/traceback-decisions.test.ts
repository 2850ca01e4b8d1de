// The real-world corpus end to end: what the matcher reads from each case,
// then what the installer decides for it, against the decision the case
// records (test/fixtures/tracebacks/real-world.jsonl, expect_decision).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { diagnose } from '../../../plugins/import-error-matcher/diagnose.js';
import { decide, type EnvironmentFacts } from '../../../plugins/python-installer/decide.js';
import { normalizeName } from '../../../plugins/python-installer/known-distributions.js';
import { fixture } from '../../helpers/paths.js';

interface Case {
  id: string;
  python: string;
  cmd: string[];
  exit_code: number | null;
  stderr: string;
  expect_decision: { install: string } | { refuse: string };
}

const corpus: Case[] = readFileSync(fixture('tracebacks', 'real-world.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** What each Python no longer ships (What's New in 3.12 and 3.13). */
const REMOVED_IN: Record<string, string[]> = {
  '3.12': ['distutils', 'imp', 'asynchat', 'asyncore', 'smtpd'],
  '3.13': ['aifc', 'audioop', 'cgi', 'cgitb', 'chunk', 'crypt', 'imghdr', 'mailcap', 'msilib', 'nis', 'nntplib', 'ossaudiodev', 'pipes', 'sndhdr', 'spwd', 'sunau', 'telnetlib', 'uu', 'xdrlib', 'lib2to3'],
};
const machineStdlib: string[] = JSON.parse(execFileSync('python3', ['-I', '-c', 'import sys, json; print(json.dumps(sorted(sys.stdlib_module_names)))'], { encoding: 'utf8' }));

/** The standard library of Python `version`, from this machine's (3.11) less what later versions removed. */
function stdlibOf(version: string): Set<string> {
  const [major, minor] = version.split('.').map(Number);
  const removed = Object.entries(REMOVED_IN).flatMap(([v, names]) => (major === 3 && minor >= Number(v.split('.')[1]) ? names : []));
  return new Set(machineStdlib.filter((m) => !removed.includes(m)));
}

/**
 * What the failing process's interpreter would answer, as far as the case
 * tells: its version (unknown ones as 3.12), a fresh virtual environment,
 * and the project's own module present where the thread says the missing
 * module is the project's.
 */
function factsFor(c: Case, module: string | null): EnvironmentFacts {
  const refuse = 'refuse' in c.expect_decision ? c.expect_decision.refuse : '';
  const own = /project module|project's own|application's own|test suite's own/.test(refuse);
  return { version: c.python === '?' ? '3.12' : c.python, stdlib: stdlibOf(c.python === '?' ? '3.12' : c.python), installed: null, local: own && module ? `${module.split('.')[0]}/` : null, venv: true };
}

/**
 * Refusals that rest on what a thread tells of the machine, not on its
 * output: no pip in that Python, a Debian-split standard library, a
 * traceback printed inside a container. The engine learns those from the
 * environment (the probe, the command), which a text fixture cannot carry.
 */
const BY_ENVIRONMENT = /no pip|Debian splits|container/;

test('the real-world corpus decides right: each install names the distribution the thread needed, each refusal installs nothing', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const c of corpus) {
    const refuse = 'refuse' in c.expect_decision ? c.expect_decision.refuse : null;
    if (refuse && BY_ENVIRONMENT.test(refuse)) continue;
    checked++;
    const finding = c.exit_code ? diagnose(c.stderr.replace(/\n$/, '').split('\n'), { command: c.cmd }) : null;
    if (!finding) {
      if (!refuse) wrong.push(`${c.id}: read nothing, expected to install ${(c.expect_decision as { install: string }).install}`);
      continue;
    }
    const d = decide(finding, factsFor(c, finding.module ?? finding.distribution ?? null), { aliases: {}, allow: [], deny: [] });
    if (refuse && d.install) wrong.push(`${c.id}: installs ${d.distribution}, expected a refusal (${refuse})`);
    if (!refuse) {
      const want = normalizeName((c.expect_decision as { install: string }).install);
      if (!d.install) wrong.push(`${c.id}: refused (${d.reason}), expected to install ${want}`);
      else if (normalizeName(d.distribution) !== want) wrong.push(`${c.id}: installs ${d.distribution}, expected ${want}`);
      else if (d.ask) wrong.push(`${c.id}: ${want} waits for a person (${d.ask}), expected to install`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 55, `${checked} cases decided`);
});
