// The matcher over real output collected from public issue threads
// (test/fixtures/tracebacks/real-world.jsonl, each case with its thread's
// address): what it reads from each, and what it must not read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { diagnose, type ImportErrorFinding } from '../../../plugins/import-error-matcher/diagnose.js';
import { fixture } from '../../helpers/paths.js';

interface Case {
  id: string;
  source: string;
  cmd: string[];
  exit_code: number | null;
  stream: string;
  stderr: string;
  expect: Partial<Record<keyof ImportErrorFinding, unknown>> & { kind: string | null };
  expect_decision: { install: string } | { refuse: string };
}

const corpus: Case[] = readFileSync(fixture('tracebacks', 'real-world.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** The plugin's rule: only a failure of the process's own is read (a clean exit or none yet: nothing). */
function read(c: Case): { finding: ImportErrorFinding | null; lines: string[] } {
  const lines = c.stderr.replace(/\n$/, '').split('\n');
  if (c.exit_code === 0 || c.exit_code === null) return { finding: null, lines };
  return { finding: diagnose(lines, { command: c.cmd }), lines };
}

test(`the real-world corpus: each of its ${corpus.length} cases, from a public thread, reads as expected`, () => {
  const wrong = corpus.flatMap((c) => {
    const { finding } = read(c);
    if (c.expect.kind === null) return finding ? [`${c.id}: read ${finding.kind} ${finding.module ?? finding.distribution ?? ''}, expected nothing`] : [];
    if (!finding) return [`${c.id}: read nothing, expected ${c.expect.kind}`];
    return Object.entries(c.expect).flatMap(([k, v]) => {
      const got = (finding as unknown as Record<string, unknown>)[k];
      return got === v ? [] : [`${c.id}: ${k} is ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`];
    });
  });
  assert.deepEqual(wrong, []);
  assert.ok(corpus.length >= 60, `${corpus.length} cases`);
});

test('every case names the public thread it comes from and the decision a correct installer makes', () => {
  for (const c of corpus) {
    assert.match(c.source, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+$/, c.id);
    assert.ok('install' in c.expect_decision || 'refuse' in c.expect_decision, c.id);
    assert.ok(!/\/home\/(?!dev\b)|\/Users\/(?!dev\b)/.test(c.stderr), `${c.id}: personal paths are rewritten`);
  }
  assert.equal(new Set(corpus.map((c) => c.id)).size, corpus.length, 'ids are unique');
});

test('a finding says which lines it was read from, and the exception line is among them', () => {
  for (const c of corpus) {
    const { finding, lines } = read(c);
    if (!finding) continue;
    const { from, to } = finding.lines!;
    assert.ok(from >= 1 && from <= to && to <= lines.length, `${c.id}: ${from}-${to} of ${lines.length}`);
    const text = lines.slice(from - 1, to).join('\n').replace(/\x1b\[[0-9;]*m/g, '');
    assert.ok(text.includes(finding.line), `${c.id}: "${finding.line}" is within lines ${from}-${to}`);
  }
});

test('what only installing can heal is marked installable; the rest carries a hint instead', () => {
  for (const c of corpus) {
    const { finding } = read(c);
    if (!finding) continue;
    const installable = finding.kind === 'missing-module' || finding.kind === 'distribution-not-found';
    assert.equal(finding.installable, installable, c.id);
    if (!installable) assert.ok(finding.hint, `${c.id}: a ${finding.kind} says what to do instead`);
  }
});
