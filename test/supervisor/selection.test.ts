// Which processes engine run starts, rule by rule, on loaded pitfiles.
// The profile cases follow Compose's own example (docs.docker.com,
// reference/compose-file/profiles: web, test_lib, coverage_lib, debug_lib).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPitfile } from '../../core/config/load.js';
import { selectProcesses, withDependencies, runCommand, reselect, notStartedNotes } from '../../core/supervisor/selection.js';
import type { Pitfile } from '../../core/model/pitfile.js';
import type { PitError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

async function load(processes: string): Promise<Pitfile> {
  const dir = makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n${processes}` });
  return (await loadPitfile({ cwd: dir })).pitfile;
}

const composeExample = load(`  web: { command: "true" }
  test_lib: { command: "true", profiles: [test] }
  coverage_lib: { command: "true", profiles: [test], depends_on: [test_lib] }
  debug_lib: { command: "true", profiles: [debug], depends_on: [test_lib] }
`);

const sorted = (s: Set<string>) => [...s].sort();

test('without a profile only the processes without profiles start, as in Compose', async () => {
  const { start, notStarted } = selectProcesses(await composeExample);
  assert.deepEqual(sorted(start), ['web']);
  assert.deepEqual(Object.fromEntries(notStarted), { test_lib: 'profile test not active', coverage_lib: 'profile test not active', debug_lib: 'profile debug not active' });
});

test('--profile test adds test_lib and coverage_lib; web always runs', async () => {
  assert.deepEqual(sorted(selectProcesses(await composeExample, { profiles: ['test'] }).start), ['coverage_lib', 'test_lib', 'web']);
});

/** The error `fn` throws, as data. */
function thrown(fn: () => unknown): PitError {
  try {
    fn();
  } catch (e) {
    return e as PitError;
  }
  throw new Error('it did not throw');
}

test('--profile debug alone is refused: debug_lib needs test_lib, whose profile is not active (Compose: the model is invalid)', async () => {
  const p = await composeExample;
  const e = thrown(() => selectProcesses(p, { profiles: ['debug'] }));
  assert.equal(e.code, 'PIT_E_RUN_PROFILE_DEPENDENCY');
  assert.equal(e.message, 'debug_lib depends on test_lib, which runs only with profile test, not active');
  assert.equal(e.fix, 'activate it (engine run --profile test), name test_lib too (engine run debug_lib test_lib), or remove the dependency');
});

test('a named process runs whatever its profile, and its profile counts as active for its dependencies', async () => {
  const p = await composeExample;
  assert.deepEqual(sorted(selectProcesses(p, { names: ['coverage_lib'] }).start), ['coverage_lib', 'test_lib']);
  assert.equal(selectProcesses(p, { names: ['coverage_lib'] }).notStarted.get('web'), 'not selected: engine run coverage_lib', 'named: only those and their dependencies');
  assert.equal(thrown(() => selectProcesses(p, { names: ['debug_lib'] })).code, 'PIT_E_RUN_PROFILE_DEPENDENCY', 'as Compose: naming debug_lib does not activate test');
});

const chain = load(`  cache: { command: "true" }
  db: { command: "true", depends_on: [cache] }
  api: { command: "true", depends_on: { db: started } }
  job: { command: "true", autostart: false }
  report: { command: "true", depends_on: { job: completed } }
  side: { command: "true" }
`);

test('names bring their dependencies transitively, autostart: false ones too; without names autostart: false is left for a person', async () => {
  const p = await chain;
  assert.deepEqual(sorted(selectProcesses(p, { names: ['api', 'report'] }).start), ['api', 'cache', 'db', 'job', 'report']);
  const all = selectProcesses(p);
  assert.deepEqual(sorted(all.start), ['api', 'cache', 'db', 'report', 'side'], 'report waits for job, as before subsets existed');
  assert.equal(all.notStarted.get('job'), 'autostart: false');
});

test('--except leaves processes out, and refuses to leave out one that a started process depends on', async () => {
  const p = await chain;
  const s = selectProcesses(p, { except: ['side', 'api'] });
  assert.deepEqual(sorted(s.start), ['cache', 'db', 'report']);
  assert.equal(s.notStarted.get('api'), 'not selected: engine run --except side,api');
  const e = thrown(() => selectProcesses(p, { except: ['cache'] }));
  assert.equal(e.code, 'PIT_E_RUN_EXCLUDED_DEPENDENCY');
  assert.equal(e.message, 'db depends on cache, which --except cache leaves out');
  assert.equal(thrown(() => selectProcesses(p, { names: ['api'], except: ['db'] })).code, 'PIT_E_RUN_EXCLUDED_DEPENDENCY');
});

test('an unknown name or profile is an error at launch, and passed over on a reload (lenient)', async () => {
  const p = await chain;
  const e = thrown(() => selectProcesses(p, { names: ['apii'] }));
  assert.equal(e.code, 'PIT_E_RUN_PROCESS_UNKNOWN');
  assert.equal(e.message, 'engine run names "apii", and the pitfile has no such process');
  assert.equal(thrown(() => selectProcesses(p, { except: ['x'] })).code, 'PIT_E_RUN_PROCESS_UNKNOWN');
  assert.equal(thrown(() => selectProcesses(p, { profiles: ['dev'] })).code, 'PIT_E_RUN_PROFILE_UNKNOWN');
  assert.equal(thrown(() => selectProcesses(p, { names: ['api'], except: ['api'] })).code, 'PIT_E_CLI_USAGE');
  // A reload that removed the only named process keeps the engine to the names: nothing else starts.
  const lenient = selectProcesses(p, { names: ['gone'], profiles: ['dev'] }, { lenient: true });
  assert.deepEqual(sorted(lenient.start), []);
  assert.equal(lenient.notStarted.get('side'), 'not selected: engine run gone --profile dev');
});

test('withDependencies adds the dependencies never started, through ones already running, and nothing else', async () => {
  const p = await chain;
  const never = new Set(['cache', 'job']);
  assert.deepEqual(withDependencies(['api'], p, (n) => never.has(n)).sort(), ['api', 'cache']);
  assert.deepEqual(withDependencies(['side'], p, () => true), ['side']);
  assert.equal(runCommand({ names: ['a', 'b'], except: ['c'], profiles: ['dev', 'x'] }), 'engine run a b --except c --profile dev --profile x');
});

test('after a reload: an added process starts only if the request takes it; a changed one that ran runs again; one newly needed that never ran starts', async () => {
  const p = await load(`  cache: { command: "true" }
  db: { command: "true", depends_on: [cache] }
  api: { command: "true", depends_on: [db] }
  side: { command: "true" }
  admin: { command: "true", profiles: [dev] }
  extra: { command: "true" }
`);
  // Before: engine run api, when api needed nothing; a person started side since. The reload makes api depend on db.
  const why = 'not selected: engine run api';
  const before = new Map([['cache', why], ['db', why], ['admin', why]]);
  const selection = selectProcesses(p, { names: ['api'] }, { lenient: true });
  const { starts, notStarted } = reselect(selection, { added: ['extra'], changed: ['api', 'side', 'admin'] }, before);
  assert.deepEqual(sorted(starts), ['api', 'cache', 'db', 'side'], 'db and cache newly needed and never ran; api and side changed and had run; extra and admin are not selected');
  assert.deepEqual(Object.fromEntries(notStarted), { admin: why, extra: why });
  assert.deepEqual(notStartedNotes(['extra', 'cache'], notStarted), ['not started (not selected: engine run api): extra']);
});

test('after a reload without names, a process added with an inactive profile is not started, and says why', async () => {
  const p = await load(`  web: { command: "true" }
  probe: { command: "true", profiles: [debug] }
`);
  const { starts, notStarted } = reselect(selectProcesses(p, {}, { lenient: true }), { added: ['probe'], changed: [] }, new Map());
  assert.deepEqual(sorted(starts), [], 'web is unchanged and ran already: nothing to start');
  assert.equal(notStarted.get('probe'), 'profile debug not active');
});

test('a replica group is named, left out and depended on by its name: each of its copies is meant', async () => {
  const p = await load(`  api: { command: "true", replicas: 2 }
  web: { command: "true", depends_on: [api] }
  side: { command: "true" }
`);
  assert.deepEqual(sorted(selectProcesses(p, { names: ['web'] }).start), ['api.1', 'api.2', 'web']);
  assert.deepEqual(sorted(selectProcesses(p, { names: ['api'] }).start), ['api.1', 'api.2']);
  assert.deepEqual(sorted(selectProcesses(p, { except: ['web'] }).start), ['api.1', 'api.2', 'side']);
  assert.throws(() => selectProcesses(p, { except: ['api'] }), (e: PitError) => e.code === 'PIT_E_RUN_EXCLUDED_DEPENDENCY');
  assert.deepEqual(withDependencies(['web'], p, (n) => n.startsWith('api.')).sort(), ['api.1', 'api.2', 'web']);
});
