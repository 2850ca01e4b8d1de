// The import-error matcher against what an attacker or a busy log can
// print: only a failure of the process's own is read, a traceback counts
// only whole and last, runpy's line only with the process's own `-m`,
// prefixed blocks are read through their prefix, and no input costs more
// than a pass over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { diagnose } from '../../../plugins/import-error-matcher/diagnose.js';
import { OutputTail, MAX_CHARS } from '../../../plugins/import-error-matcher/output-tail.js';
import { moduleRunBy } from '../../../plugins/import-error-matcher/runpy.js';
import { startEngine } from '../../helpers/engine.js';
import type { PitEvent } from '../../../core/events/catalog.js';

const HEADER = 'Traceback (most recent call last):';
const tb = (exc: string, file = '/srv/app/main.py', code = 'import x') => [HEADER, `  File "${file}", line 1, in <module>`, `    ${code}`, exc];
const missing = (m: string) => `ModuleNotFoundError: No module named '${m}'`;
const stamp = (i: number) => `2026-01-01 12:00:0${i % 10},12${i % 10} INFO request done`;

test('log injection: runpy\'s line counts only when the process runs python -m that module', () => {
  const injected = ['2026-01-01 12:00:00,120 INFO user said:', 'python: No module named evil_pkg'];
  assert.equal(diagnose(injected, { command: 'python app.py' }), null, 'no -m at all');
  assert.equal(diagnose([...injected, stamp(1), stamp(2)], { command: 'python app.py' }), null, 'with timestamped trailers');
  assert.equal(diagnose(injected, { command: ['python3', '-m', 'uvicorn', 'main:app'] }), null, '-m runs another module');
  assert.equal(diagnose(injected), null, 'the command unknown');
  const real = diagnose(['/srv/.venv/bin/python3: No module named uvicorn'], { command: '.venv/bin/python3 -u -m uvicorn main:app' });
  assert.equal(real?.module, 'uvicorn');
  assert.deepEqual(real?.lines, { from: 1, to: 1 });
  // runpy is the last thing the process prints: anything after it is not runpy's.
  assert.equal(diagnose(['/usr/bin/python3: No module named uvicorn', stamp(1)], { command: 'python3 -m uvicorn' }), null);
  assert.equal(diagnose(["python3: Error while finding module specification for 'a.b' (ModuleNotFoundError: No module named 'a')"], { command: ['python3', '-m', 'a.b'] })?.module, 'a');
});

test('the module a command runs with -m, read from its argv or its shell words', () => {
  assert.equal(moduleRunBy(['python3', '-m', 'pytest', '-q']), 'pytest');
  assert.equal(moduleRunBy('uv run python -X dev -mflask run'), 'flask');
  assert.equal(moduleRunBy('python -um celery worker'), 'celery');
  assert.equal(moduleRunBy('cd /srv && exec .venv/bin/python3.12 -m "gunicorn" app:app'), 'gunicorn');
  assert.equal(moduleRunBy('python app.py -m evil'), null, '-m after the script is the script\'s');
  assert.equal(moduleRunBy('python -c "import x" -m evil'), null);
  assert.equal(moduleRunBy('node server.js -m evil'), null);
});

test('a traceback counts only whole: header a whole line, frames and exception contiguous', () => {
  const midLine = ['2026-01-01 12:00:00,120 INFO said: Traceback (most recent call last):', '  File "x.py", line 1, in <module>', missing('evil_pkg')];
  assert.equal(diagnose(midLine), null, 'a header in the middle of a log line');
  assert.equal(diagnose(['xxTraceback (most recent call last):', '  File "x.py", line 1, in <module>', missing('evil_pkg')]), null, 'glued to other text');
  assert.equal(diagnose([HEADER, 'worker 2 ready', '  File "x.py", line 1, in <module>', missing('evil_pkg')]), null, 'a line inside');
  assert.equal(diagnose([HEADER, missing('evil_pkg')]), null, 'no frame');
  assert.equal(diagnose(['  File "x.py", line 1, in <module>', missing('evil_pkg')]), null, 'no header');
  assert.equal(diagnose(tb(missing('yaml')))?.module, 'yaml');
});

test('only the last exception counts: a later traceback, or the process living on, wins', () => {
  const injected = tb(missing('evil_pkg'));
  assert.equal(diagnose([...injected, ...tb("KeyError: 'port'")]), null, 'a later real exception');
  const lived = [...injected, ...Array.from({ length: 60 }, (_, i) => stamp(i))];
  assert.equal(diagnose(lived), null, 'sixty log records later the process was still running');
  assert.equal(diagnose([...injected, 'shutting down: no config']), null, 'its own last words were something else');
  assert.equal(diagnose([...injected, ...tb(missing('requests'))])?.module, 'requests', 'the last of two');
  assert.equal(diagnose([...tb(missing('psycopg2')), "No module named 'psycopg2'", ...Array.from({ length: 5 }, (_, i) => `[2026-01-01 12:00:00 +0000] [${i}] [INFO] Worker exiting (pid: ${i})`)])?.module, 'psycopg2', "gunicorn's dying words");
});

test('prefixed blocks: docker compose, a handler whose timestamp changes each line, journald, heroku, [worker]', () => {
  const compose = tb(missing('redis')).map((l) => `api-1  | ${l}`);
  const f = diagnose([...compose, 'api-1 exited with code 1']);
  assert.equal(f?.module, 'redis');
  assert.equal(f?.prefix, 'api-1  | ');
  const logged = tb(missing('ujson')).map((l, i) => `2026-01-01 12:00:0${i},${100 + i * 7} ERROR ${l}`);
  assert.equal(diagnose(logged)?.module, 'ujson', 'the time differs from line to line; the shape does not');
  const journald = tb(missing('lxml')).map((l, i) => `Jul 13 10:38:5${i} serv1 app[45592]: ${l}`);
  assert.equal(diagnose(journald)?.module, 'lxml');
  assert.equal(diagnose(tb(missing('numpy')).map((l) => `[worker] ${l}`))?.module, 'numpy');
  // heroku keeps the prefix on an empty line but drops its trailing space.
  const h = (l: string) => `2018-04-09T21:44:21.0949${l.length % 10}5+00:00 app[web.1]:${l ? ` ${l}` : ''}`;
  const chained = [...tb(missing('psycopg2'), '/app/db.py', 'import psycopg2'), '', 'The above exception was the direct cause of the following exception:', '', ...tb('django.core.exceptions.ImproperlyConfigured: Error loading psycopg2 module: No module named \'psycopg2\'')];
  const fh = diagnose(chained.map(h));
  assert.equal(fh?.module, 'psycopg2');
  assert.equal(fh?.wrapped_by, 'django.core.exceptions.ImproperlyConfigured');
  // A line without the prefix ends the block: another service's line in the middle.
  const broken = [...compose.slice(0, 2), 'db-1   | ready to accept connections', ...compose.slice(2)];
  assert.equal(diagnose(broken), null);
  // Most handlers print the traceback's lines bare after a prefixed message.
  assert.equal(diagnose(['2026-01-01 12:00:00,123 ERROR Exception on startup', ...tb(missing('jwt'))])?.module, 'jwt');
});

test('framework wrappers: Django backends, SQLAlchemy dialects, transformers, servers that cannot import the app', () => {
  const chain = (cause: string[], wrapper: string[], sentence = 'The above exception was the direct cause of the following exception:') => [...cause, '', sentence, '', ...wrapper];
  const dj = (msg: string) => tb(`django.core.exceptions.ImproperlyConfigured: ${msg}`, '/srv/manage.py', 'execute_from_command_line(sys.argv)');
  const both = diagnose([
    ...chain(tb(missing('psycopg'), '/v/site-packages/django/db/backends/postgresql/base.py', 'import psycopg as Database'), tb(missing('psycopg2'), '/v/site-packages/django/db/backends/postgresql/base.py', 'import psycopg2 as Database'), 'During handling of the above exception, another exception occurred:'),
    '', 'The above exception was the direct cause of the following exception:', '',
    ...dj('Error loading psycopg2 or psycopg module'),
  ]);
  assert.equal(both?.module, 'psycopg2', 'the ImportError it was raised from says which');
  assert.equal(both?.imported_by, 'django');
  const mysql = diagnose([...chain(tb(missing('MySQLdb')), dj('Error loading MySQLdb module.')), 'Did you install mysqlclient?']);
  assert.equal(mysql?.module, 'MySQLdb');
  const lib = diagnose([...chain(tb('ImportError: libmysqlclient.so.21: cannot open shared object file: No such file or directory'), dj('Error loading MySQLdb module.')), 'Did you install mysqlclient?']);
  assert.equal(lib?.kind, 'system-library', 'a missing system library is no module to install');
  assert.equal(lib?.installable, false);
  assert.match(lib?.hint ?? '', /libmysqlclient\.so\.21 is a system library/);
  assert.equal(diagnose(dj("Error loading psycopg2 module: No module named 'psycopg2'"))?.module, 'psycopg2', 'older Django puts the cause in the message');
  const dialect = diagnose(tb("sqlalchemy.exc.NoSuchModuleError: Can't load plugin: sqlalchemy.dialects:snowflake"));
  assert.equal(dialect?.kind, 'missing-plugin');
  assert.equal(dialect?.module, null, 'a dialect name is not a module: nothing to install by that name');
  assert.equal(dialect?.plugin, 'sqlalchemy.dialects:snowflake');
  const lazy = diagnose([...tb('RuntimeError: Failed to import transformers.trainer because of the following error (look up to see its traceback):'), "No module named 'accelerate'"]);
  assert.equal(lazy?.module, 'accelerate');
  const uvicorn = diagnose(['INFO:     Started server process [7]', 'ERROR:    Error loading ASGI app. Could not import module "main".']);
  assert.equal(uvicorn?.kind, 'app-module');
  assert.equal(uvicorn?.installable, false);
  const gunicorn = diagnose([
    '[2026-01-01 12:00:00 +0000] [8] [ERROR] Exception in worker process', HEADER,
    '  File "/v/lib/python3.12/site-packages/gunicorn/util.py", line 370, in import_app', '    mod = importlib.import_module(module)',
    '  File "/usr/lib/python3.12/importlib/__init__.py", line 90, in import_module', '    return _bootstrap._gcd_import(name[level:], package, level)',
    '  File "<frozen importlib._bootstrap>", line 1324, in _find_and_load_unlocked', missing('wsgi'),
    '[2026-01-01 12:00:00 +0000] [8] [INFO] Worker exiting (pid: 8)', '[2026-01-01 12:00:00 +0000] [1] [ERROR] Reason: Worker failed to boot.',
  ]);
  assert.equal(gunicorn?.kind, 'app-module', "gunicorn's loader imported it: the app's own module");
  assert.equal(gunicorn?.module, 'wsgi');
});

test("gunicorn before 20: the worker's traceback counts, read past the master's HaltServer after it", () => {
  const log = (pid: number, what: string) => `[2018-04-09 21:44:20 +0000] [${pid}] [INFO] ${what}`;
  const halt = (file: string, code: string) => [HEADER, `  File "${file}", line 524, in reap_workers`, `    ${code}`, "gunicorn.errors.HaltServer: <HaltServer 'Worker failed to boot.' 3>"];
  const out = [
    log(4, 'Booting worker with pid: 10'),
    ...tb(missing('flask_cors'), '/app/app.py', 'from flask_cors import CORS'),
    log(10, 'Worker exiting (pid: 10)'),
    log(4, 'Shutting down: Master'),
    log(4, 'Reason: Worker failed to boot.'),
    ...halt('/v/site-packages/gunicorn/arbiter.py', 'raise HaltServer(reason, self.WORKER_BOOT_ERROR)'),
    '', 'During handling of the above exception, another exception occurred:', '',
    ...halt('/v/site-packages/gunicorn/arbiter.py', 'self.reap_workers()'),
  ];
  const f = diagnose(out);
  assert.equal(f?.module, 'flask_cors');
  assert.equal(f?.wrapped_by, 'gunicorn.errors.HaltServer');
  assert.deepEqual(f?.lines, { from: 2, to: 5 });
  // The master's failure alone, or after a worker that lived on, is no import error.
  assert.equal(diagnose(out.slice(6)), null);
  assert.equal(diagnose([...out.slice(0, 5), ...Array.from({ length: 50 }, (_, i) => log(10, `request ${i}`)), ...out.slice(5)]), null);
});

test('pytest collection errors, DistributionNotFound and PackageNotFoundError, a module missing inside an installed package', () => {
  const conftest = diagnose(["ImportError while loading conftest '/srv/tests/conftest.py'.", 'tests/conftest.py:3: in <module>', '    import pytest_asyncio', missing('pytest_asyncio').replace(/^/, 'E   ')]);
  assert.equal(conftest?.module, 'pytest_asyncio');
  assert.equal(conftest?.source, 'import pytest_asyncio');
  const dist = diagnose(tb("pkg_resources.DistributionNotFound: The 'foo[bar]>=1.0' distribution was not found and is required by baz"));
  assert.deepEqual([dist?.kind, dist?.distribution, dist?.required_by, dist?.module], ['distribution-not-found', 'foo', 'baz', null]);
  assert.equal(diagnose(tb('importlib.metadata.PackageNotFoundError: foo-bar'))?.distribution, 'foo-bar', 'Python 3.8 and 3.9 print the bare name');
  const inside = diagnose([HEADER, '  File "/srv/app.py", line 1, in <module>', '    import flask_sqlalchemy', '  File "/v/lib/python3.11/site-packages/flask_sqlalchemy/__init__.py", line 5, in <module>', '    import sqlalchemy', missing('sqlalchemy')]);
  assert.equal(inside?.module, 'sqlalchemy');
  assert.equal(inside?.imported_by, 'flask_sqlalchemy');
  assert.equal(inside?.importer, '/v/lib/python3.11/site-packages/flask_sqlalchemy/__init__.py');
  assert.equal(diagnose(tb("ImportError: cannot import name 'X' from 'pkg' (/v/pkg/__init__.py)"))?.kind, 'missing-name');
  assert.equal(diagnose(tb('ImportError: No module named x'))?.module, 'x', 'Python 2');
});

// Inputs that make a backtracking pattern take seconds or minutes; the
// matcher's ".so" pattern before this change took over 100 s on the first.
const K64 = 64 * 1024;
const fill = (s: string, end = '') => s.repeat(Math.ceil(K64 / s.length)).slice(0, K64) + end;
const hostile: [string, string][] = [
  ['".so" repeated, then the shared-object words', fill('.so', ': cannot open shared object file')],
  ['".so" repeated', fill('.so')],
  ['spaces, then a letter', fill(' ', 'x')],
  ['spaces only', fill(' ')],
  ['File " repeated', fill('File "')],
  ['a frame\'s tail repeated', fill('", line 1, in ')],
  ['a header repeated', fill(HEADER)],
  ['"No module named \'" repeated', fill("No module named '")],
  ['uvicorn\'s sentence repeated', fill('Error loading ASGI app. Could not import module "', '".')],
  ['celery\'s sentence repeated', fill('The module a', ' was not found.')],
  ['escape sequences without an end', fill('\x1b[1;2;3')],
  ['colons', fill(':')],
  ['digits', fill('1')],
  ['a word', fill('a')],
  ['a dotted word', fill('a.')],
  ['pytest frames', fill('x:1: in ')],
];

test('bounded: every hostile line is read in milliseconds, wherever it stands', () => {
  const slow: string[] = [];
  for (const [name, p] of hostile) {
    const places: [string, string[]][] = [
      ['alone', [p]],
      ['as the message', [HEADER, '  File "a.py", line 1, in <module>', '    import x', `ImportError: ${p}`]],
      ['as a frame', [HEADER, `  File "${p}`, missing('x')]],
      ['as the prefix', tb(missing('x')).map((l) => p.slice(0, 100) + l)],
      ['before a header', [`${p}${HEADER}`, `${p}  File "a.py", line 1, in <module>`, `${p}${missing('x')}`]],
      ['as a trailer', [...tb(missing('x')), p]],
      ['as runpy\'s', [`/usr/bin/python3: ${p}`]],
    ];
    for (const [where, lines] of places) {
      const t = performance.now();
      diagnose(lines, { command: 'python3 -m x' });
      const ms = performance.now() - t;
      if (ms > 200) slow.push(`${name} ${where}: ${ms.toFixed(0)} ms`);
    }
  }
  assert.deepEqual(slow, []);
});

test('bounded: a whole 256 KiB tail of tracebacks, headers and prefixed lines is read in milliseconds', () => {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < MAX_CHARS; i++) lines.push(...(i % 2 ? tb(missing(`m${i}`)).map((l) => `w-${i} | ${l}`) : [HEADER, HEADER, `  File "${'x'.repeat(200)}`]));
  const t = performance.now();
  diagnose(lines);
  assert.ok(performance.now() - t < 200);
});

test('the tail keeps at most 256 KiB of a stream, the newest lines, and counts what it dropped', () => {
  const tail = new OutputTail();
  for (let i = 0; i < 20_000; i++) tail.push(`line ${i} ${'x'.repeat(100)}`);
  assert.ok(tail.chars <= MAX_CHARS, `${tail.chars}`);
  const kept = tail.lines();
  assert.ok(kept[kept.length - 1].startsWith('line 19999 '));
  assert.equal(tail.dropped + kept.length, 20_000);
  assert.ok(kept[0].startsWith(`line ${tail.dropped} `));
  tail.push('y'.repeat(MAX_CHARS * 2));
  assert.ok(tail.chars <= MAX_CHARS);
  assert.equal(tail.lines().length, 1, 'one line longer than the budget keeps only its end');
});

test('the tail lets go of the lines it drops: after 2,000 pieces of 64 KiB, less than 4 MiB is held (it keeps 256 KiB)', () => {
  // A 200 MB line reaches the matcher as 64 KiB pieces; each it drops must be collectable at once.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const tail = new OutputTail();
  // Flat strings, as the engine decodes them (repeat() would share one rope among all).
  for (let i = 0; i < 2000; i++) tail.push(Buffer.alloc(64 * 1024, 97 + (i % 26)).toString('latin1'));
  gc();
  const kept = process.memoryUsage().heapUsed - before;
  assert.ok(kept < 4 * 1024 * 1024, `${(kept / 1024 / 1024).toFixed(1)} MiB still held after 2,000 pieces (the tail keeps 256 KiB)`);
  assert.equal(tail.lines().length, 3);
});

test("a finding's lines count from the process's start, past what the tail dropped", async () => {
  const { default: matcher } = await import('../../../plugins/import-error-matcher/index.js');
  const emitted: Record<string, unknown>[] = [];
  const ctx = { options: { processes: ['app'], stdout: [], commands: {} }, emit: (_: string, d: Record<string, unknown>) => emitted.push(d) };
  const at = Date.now();
  const line = (l: string): PitEvent => ({ type: 'process:stderr', subject: 'app', at, id: `l-${l.length}`, process: 'app', line: l });
  const flood = Array.from({ length: 5000 }, (_, i) => line(`${stamp(i)} ${'x'.repeat(100)}`));
  const exit: PitEvent = { type: 'process:exit', subject: 'app', at, id: 'exit-1', process: 'app', pid: 1, exit_code: 1, signal: null, uptime_ms: 5, caused_by_engine: false };
  await matcher.onEvent!([...flood, ...tb(missing('yaml')).map(line), exit], ctx as never);
  assert.equal(emitted.length, 1);
  assert.deepEqual(emitted[0].lines, { from: 5001, to: 5004 });
  assert.equal(emitted[0].module, 'yaml');
});

test('an exit the engine caused, or a signal, is never diagnosed; a failure of its own is, with the lines it was read from', async () => {
  const app = [
    'import os, signal, sys, time',
    // A stop's SIGTERM ends it with code 1, like a failure: only the engine's mark tells them apart.
    'signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))',
    `sys.stderr.write(${JSON.stringify(`${tb(missing('evil_pkg')).join('\n')}\n`)}); sys.stderr.flush()`,
    "if os.path.exists('sig'): os.kill(os.getpid(), 9)",
    "if os.path.exists('die'): sys.exit(1)",
    "print('ready', flush=True); time.sleep(60)",
  ].join('\n');
  const { engine, dir, events } = await startEngine(
    // A list, not a shell line: python is the group's leader, so its own exit code and signal are reported.
    'version: 1\nprocesses:\n  app: { command: [python3, app.py], restart: { policy: never }, autostart: false }\n',
    { 'app.py': app, sig: '' },
  );
  const { rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const sup = engine.supervisors.get('app')!;
  const exit = () => engine.bus.next('process:app:exit', { withinMs: 15_000 }) as Promise<Extract<PitEvent, { type: 'process:exit' }>>;
  const ready = () => engine.bus.next('process:app:stdout', { withinMs: 15_000, where: (e) => e.type === 'process:stdout' && e.line === 'ready' });

  let exited = exit();
  sup.start(); // killed by a signal it sent itself: no engine cause, still no import error
  const first = await exited;
  assert.deepEqual([first.signal, first.caused_by_engine], ['SIGKILL', false]);
  rmSync(join(dir, 'sig'));

  let up = ready();
  sup.start();
  await up;
  exited = exit();
  up = ready();
  await sup.restart(); // the engine's restart: the exit is marked
  assert.deepEqual([(await exited).exit_code, (await exited).caused_by_engine], [1, true]);
  await up;
  exited = exit();
  await sup.stop();
  assert.equal((await exited).caused_by_engine, true);

  writeFileSync(join(dir, 'die'), '');
  const found = engine.bus.next('process:app:import-error', { withinMs: 15_000 });
  exited = exit();
  sup.start();
  assert.deepEqual([(await exited).exit_code, (await exited).caused_by_engine], [1, false]);
  const e = await found;
  assert.equal(e.module, 'evil_pkg');
  assert.deepEqual(e.lines, { from: 1, to: 4 });
  assert.equal(e.stream, 'stderr');
  // Plugins see events in order: had the earlier exits been diagnosed, their events would have come first.
  const all = events.filter((x) => x.type === 'process:import-error' && x.process === 'app');
  assert.equal(all.length, 1, 'one diagnosis, for the one failure of its own');
});

test("runpy's line read at the exit of a real python -m, and not of a script that prints the same words", async () => {
  const { engine, events } = await startEngine(
    'version: 1\nprocesses:\n' +
      '  liar: { command: "python3 liar.py", restart: { policy: never }, autostart: false }\n' +
      '  runm: { command: "python3 -m pit_test_absent_module_x", restart: { policy: never }, autostart: false }\n',
    { 'liar.py': "import sys\nsys.stderr.write('python3: No module named evil_pkg\\n')\nsys.exit(1)\n" },
  );
  const liarExit = engine.bus.next('process:liar:exit', { withinMs: 15_000 });
  engine.supervisors.get('liar')!.start();
  await liarExit;
  const found = engine.bus.next('process:runm:import-error', { withinMs: 15_000 });
  engine.supervisors.get('runm')!.start();
  const e = await found;
  assert.equal(e.module, 'pit_test_absent_module_x');
  assert.equal(events.filter((x) => x.type === 'process:import-error' && x.process === 'liar').length, 0);
});
