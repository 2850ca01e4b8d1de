// The import-error matcher and the installer's decision, over the captured
// corpus and cases of our own: every case ends in the right install, or in
// none. A case's project files are created for real, so the local-module
// check reads a real tree; its interpreter's answers come from the corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { diagnose, type ImportErrorFinding } from '../../../plugins/import-error-matcher/diagnose.js';
import { decide, type EnvironmentFacts } from '../../../plugins/python-installer/decide.js';
import { findLocalModule } from '../../../plugins/python-installer/local-module.js';
import { distributionFor, tableSize } from '../../../plugins/python-installer/import-names.js';
import { PYTHON_COMMAND } from '../../../plugins/shared/python-command.js';
import { fixture } from '../../helpers/paths.js';
import { makeProject } from '../../helpers/project.js';

interface Case {
  id: string;
  python: string;
  cmd: string[];
  exit_code: number;
  stream: string;
  stderr?: string;
  stdout?: string;
  context?: { cwd_files?: string[]; probe?: { verdict: string; stdlib: boolean; owning_distributions: string[] | null } };
  expect: { module: string | null; kind: string; distribution?: string | null };
}

const corpus: Case[] = readFileSync(fixture('python', 'import-errors.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
/** This machine's python3 stands in for the version a case ran under; the corpus's probe says what differs. */
const machineStdlib: string[] = JSON.parse(execFileSync('python3', ['-I', '-c', 'import sys, json; print(json.dumps(sorted(sys.stdlib_module_names)))'], { encoding: 'utf8' }));

const policy = { aliases: {}, allow: [], deny: [] };

/**
 * The engine's wiring: the matcher reads only processes whose command runs
 * Python (builtins.ts); a clean exit is no failure; stderr first, then stdout.
 */
function matchExit(c: { exit_code: number; stderr?: string; stdout?: string; cmd?: string[] }): ImportErrorFinding | null {
  if (c.exit_code === 0) return null;
  if (c.cmd && !PYTHON_COMMAND.test(c.cmd.join(' '))) return null;
  const lines = (t = '') => t.replace(/\n$/, '').split('\n');
  return diagnose(lines(c.stderr), { command: c.cmd }) ?? diagnose(lines(c.stdout), { command: c.cmd });
}

function factsFor(c: Case, f: ImportErrorFinding): EnvironmentFacts {
  const top = f.top_level ?? '';
  const probe = c.context?.probe;
  const stdlib = new Set(machineStdlib);
  if (probe?.stdlib) stdlib.add(top);
  else if (probe) stdlib.delete(top);
  const installed =
    probe?.verdict === 'installed_top_level' ? { distributions: probe.owning_distributions ?? [], namespace: false }
    : probe?.verdict === 'namespace_package' ? { distributions: [], namespace: true }
    : null;
  const dir = makeProject(Object.fromEntries((c.context?.cwd_files ?? []).map((f) => [f, ''])));
  return { version: c.python, stdlib, installed, local: top ? findLocalModule(top, [dir]) : null };
}

function outcome(c: Case): string | null {
  const f = matchExit(c);
  if (!f) return null;
  const d = decide(f, factsFor(c, f), policy);
  return d.install ? d.distribution : null;
}

test(`the corpus: each of its ${corpus.length} cases installs what it should, or nothing`, () => {
  const wrong = corpus.flatMap((c) => {
    const got = outcome(c);
    const want = c.expect.distribution ?? null;
    return got === want ? [] : [`${c.id}: installed ${got}, expected ${want}`];
  });
  assert.deepEqual(wrong, []);
  assert.ok(corpus.length >= 50);
});

test('the matcher names the module and kind the corpus names, where it names one', () => {
  for (const c of corpus.filter((x) => x.expect.module)) {
    const f = matchExit(c);
    assert.ok(f, `${c.id}: found`);
    assert.equal(f.module, c.expect.module, c.id);
  }
  const kind = (id: string) => matchExit(corpus.find((c) => c.id === id)!);
  assert.equal(kind('py312-missing-shared-lib')?.kind, 'system-library');
  assert.equal(kind('py312-missing-shared-lib')?.library, 'libcudart.so.12');
  assert.equal(kind('py311-cannot-import-name-installed')?.kind, 'missing-name');
  assert.equal(kind('py311-cannot-import-name-installed')?.module, 'markupsafe');
  assert.equal(kind('py310-circular')?.kind, 'circular-import');
  assert.equal(kind('quoted-broken-tool-shim')?.kind, 'broken-tool');
  assert.equal(kind('py311-undefined-symbol')?.kind, 'abi-mismatch');
  assert.equal(kind('py313-not-a-package-stdlib')?.kind, 'not-a-package');
  assert.equal(kind('py38-google-namespace-partial')?.source, 'from google.cloud import storage');
});

const tb = (body: string, exc: string) => `Traceback (most recent call last):\n  File "/srv/app/main.py", line 1, in <module>\n    ${body}\n${exc}\n`;

/** Our own cases: [name, output, exit code, expected module or null, expected kind]. */
const own: [string, string, number, string | null, string | null][] = [
  ['plain', tb('import requests', "ModuleNotFoundError: No module named 'requests'"), 1, 'requests', 'missing-module'],
  ['dotted', tb('import yaml.loader', "ModuleNotFoundError: No module named 'yaml'"), 1, 'yaml', 'missing-module'],
  ['dotted, submodule named', tb('import a.b', "ModuleNotFoundError: No module named 'a.b'"), 1, 'a.b', 'missing-module'],
  ['not a package', tb('import x.y', "ModuleNotFoundError: No module named 'x.y'; 'x' is not a package"), 1, 'x.y', 'not-a-package'],
  ['old form', tb('import requests', 'ImportError: No module named requests'), 1, 'requests', 'missing-module'],
  ['old form, dotted', tb('import a.b', 'ImportError: No module named a.b'), 1, 'a.b', 'missing-module'],
  ['missing name', tb('from m import f', "ImportError: cannot import name 'f' from 'm' (/srv/m.py)"), 1, 'm', 'missing-name'],
  ['missing name, old form', tb('from m import f', "ImportError: cannot import name 'f'"), 1, null, 'missing-name'],
  ['libGL', tb('import cv2', 'ImportError: libGL.so.1: cannot open shared object file: No such file or directory'), 1, null, 'system-library'],
  ['versioned library', tb('import torch', 'OSError: libcudnn.so.8: cannot open shared object file'), 1, null, null],
  ['exit 0: survived', tb('import redis', "ModuleNotFoundError: No module named 'redis'"), 0, null, null],
  ['quoted in a log line', "2026-11-24 10:00:00 WARNING could not load plugin: ModuleNotFoundError: No module named 'ujson'\n", 1, null, null],
  ['quoted in JSON', `{"level":"error","msg":"ModuleNotFoundError: No module named 'ujson'"}\n`, 1, null, null],
  ['quoted, indented', "  ModuleNotFoundError: No module named 'ujson'\n", 1, null, null],
  ['no traceback before it', "ModuleNotFoundError: No module named 'ujson'\n", 1, null, null],
  // A traceback is whole or it is not one: another line inside breaks it (brief of issue 17, point 1).
  ['interleaved output', `Traceback (most recent call last):\nworker 2 ready\n  File "/srv/app/main.py", line 1, in <module>\nserving on :8000\n    import flask\nModuleNotFoundError: No module named 'flask'\n`, 1, null, null],
  ['chained, the last wins', `${tb('import ujson', "ModuleNotFoundError: No module named 'ujson'")}\nDuring handling of the above exception, another exception occurred:\n\n${tb('import orjson', "ModuleNotFoundError: No module named 'orjson'")}`, 1, 'orjson', 'missing-module'],
  ['chained, then something else', `${tb('import ujson', "ModuleNotFoundError: No module named 'ujson'")}\nDuring handling of the above exception, another exception occurred:\n\n${tb('cfg["x"]', "KeyError: 'x'")}`, 1, null, null],
  ['handled, then a different end', `${tb('import sentry_sdk', "ModuleNotFoundError: No module named 'sentry_sdk'")}shutting down: no config\n`, 1, null, null],
  ['pytest E line', `___ ERROR collecting t.py ___\nImportError while importing test module '/srv/t.py'.\nTraceback:\nt.py:1: in <module>\n    import hypothesis\nE   ModuleNotFoundError: No module named 'hypothesis'\n=== short test summary info ===\nERROR t.py\n1 error in 0.1s\n`, 2, 'hypothesis', 'missing-module'],
  ['multiprocessing child', `Process Process-1:\n${tb('import lxml', "ModuleNotFoundError: No module named 'lxml'")}`, 1, 'lxml', 'missing-module'],
  ['relative import', tb('from . import x', 'ImportError: attempted relative import with no known parent package'), 1, null, 'relative-import'],
  ['coloured', `Traceback (most recent call last):\n  File \x1b[35m"/srv/a.py"\x1b[0m, line 1\n    import numpy\n\x1b[1;35mModuleNotFoundError\x1b[0m: \x1b[35mNo module named 'numpy'\x1b[0m\n`, 1, 'numpy', 'missing-module'],
  ['runpy, not run with -m', '/srv/.venv/bin/python3: No module named uvicorn\n', 1, null, null],
  ['CRLF', tb('import requests', "ModuleNotFoundError: No module named 'requests'").replace(/\n/g, '\r\n'), 1, 'requests', 'missing-module'],
];

test('our own cases: interleaving, chains, quotes, pytest, children, colours, old forms', () => {
  for (const [name, text, exit_code, module, kind] of own) {
    const f = matchExit({ exit_code, stderr: text });
    assert.equal(f?.module ?? null, module, name);
    assert.equal(f?.kind ?? null, kind, name);
  }
  assert.ok(own.length >= 20);
});

test('the distribution table: at least 500 mismatches, the known ones, the longest prefix first, aliases win', () => {
  assert.ok(tableSize >= 500, `${tableSize} entries`);
  const known = { cv2: 'opencv-python', yaml: 'PyYAML', PIL: 'Pillow', sklearn: 'scikit-learn', bs4: 'beautifulsoup4', dateutil: 'python-dateutil' };
  for (const [m, d] of Object.entries(known)) assert.equal(distributionFor(m), d, m);
  assert.equal(distributionFor('yaml.loader'), 'PyYAML');
  assert.equal(distributionFor('google.cloud.storage'), 'google-cloud-storage');
  assert.equal(distributionFor('requests'), undefined);
  assert.equal(distributionFor('yaml', { yaml: 'ruamel.yaml' }), 'ruamel.yaml');
  const names = JSON.parse(readFileSync(new URL('../../../../plugins/python-installer/import-names.json', import.meta.url), 'utf8'));
  assert.ok(names._sources.length >= 2, 'the table cites its sources');
  const bad = Object.values(names.names as Record<string, string>).filter((d) => !/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(d));
  assert.deepEqual(bad, [], 'every distribution is a PEP 508 name');
});
