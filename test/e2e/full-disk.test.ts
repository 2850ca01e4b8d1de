// A full disk under .pit, for real: a 2 MiB tmpfs mounted on the project's
// state directory and filled while the engine runs. The logs, journal, pid
// records and heartbeat each fail alone, say so once, and come back when
// the space does; the engine never stops supervising.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { runEngineAsync } from '../helpers/cli.js';
import { nodeCommand } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';
import { fillDisk, freeDisk, mountTmpfs } from '../helpers/tmpfs.js';

const talker = nodeCommand("let i = 0; setInterval(() => console.log('line ' + i++), 20)");
const idle = nodeCommand('setInterval(() => {}, 1000)');
const pitfile = `version: 1
heartbeat: { interval: 200ms }
processes:
  talker: { command: ${talker} }
  later: { command: ${idle}, autostart: false }
`;
const count = (text: string, what: string) => text.split(what).length - 1;

test('with .pit on a full disk the engine keeps supervising, reports each part once, and logs again within a second of space returning', async (t) => {
  const dir = makeProject({ 'pitfile.yaml': pitfile });
  const pit = join(dir, '.pit');
  if (!mountTmpfs(t, pit, '2m')) return;
  const log = join(pit, 'logs', 'talker.log');
  const run = runEngineProcess(dir);
  await run.waitFor(/talker\s+\| line 5\n/);
  await run.waitFor(/listening on/);
  await until(() => readFileSync(log, 'utf8').includes('out | line 5'), 5000, 'the first lines in the log');

  const filler = fillDisk(pit);
  await run.waitFor(/PIT_E_LOG_WRITE/);
  await run.waitFor(/PIT_E_HEARTBEAT_WRITE/);
  // A start on a full disk: state changes for the journal, a new pid record.
  // (Not a restart: removing the old record would free a page for a moment.)
  const started = await runEngineAsync(['start', 'later'], dir);
  assert.equal(started.status, 0, `engine start on a full disk: ${started.stderr}`);
  await run.waitFor(/PIT_E_JOURNAL_WRITE/);
  await run.waitFor(/PIT_E_PIDS_WRITE/);
  // Let every part fail its retries a few times (each tries again every second or faster).
  const last = Number([...run.text().matchAll(/talker\s+\| line (\d+)\n/g)].at(-1)![1]);
  await run.waitFor(new RegExp(`talker\\s+\\| line ${last + 120}\\n`));

  freeDisk(filler);
  const freedAt = Date.now();
  const marker = await until(() => /pit \| (\d+) bytes of output not logged \(ENOSPC from [^)]+\)\n/.exec(readFileSync(log, 'utf8')), 1000, 'the marker line in the log');
  const resumedAfterMs = Date.now() - freedAt;
  assert.ok(Number(marker[1]) > 0, 'the marker counts the lost bytes');
  // What the child prints from then on is in the log again, after the marker.
  await until(() => (readFileSync(log, 'utf8').split(marker[0])[1]?.match(/out \| line \d+\n/g)?.length ?? 0) >= 5, 3000, 'five lines after the marker');
  await run.waitFor(/the journal .* is written again/);
  await run.waitFor(/pid records are written again/);
  await run.waitFor(/engine\.heartbeat is written again/);

  // Still supervising: a restart works, and its pid record is written.
  const again = await runEngineAsync(['restart', 'talker'], dir);
  assert.equal(again.status, 0, again.stderr);
  const pid = Number((await run.waitFor(/talker running \(pid (\d+)\)[^]*talker running \(pid (\d+)\)/))[2]);
  const record = join(pit, 'pids', `talker.${pid}.json`);
  await until(() => existsSync(record) && JSON.parse(readFileSync(record, 'utf8')).pid === pid, 3000, 'the pid record of the new run');

  // Each part said it once, not once per write or retry.
  const text = run.text();
  for (const code of ['PIT_E_LOG_WRITE', 'PIT_E_JOURNAL_WRITE', 'PIT_E_PIDS_WRITE', 'PIT_E_HEARTBEAT_WRITE']) {
    assert.equal(count(text, code), 1, `${code} reported once; output:\n${text}`);
  }
  const events = await runEngineAsync(['events', '--type', 'engine:*:state-error', '--json'], dir);
  assert.deepEqual(events.stdout.trim().split('\n').map((l) => JSON.parse(l).name).sort(), ['engine:journal:state-error', 'engine:pids:state-error']);
  assert.equal(run.child.exitCode, null, 'the engine is alive');
  assert.ok(resumedAfterMs <= 1000, `logging resumed ${resumedAfterMs} ms after space returned`);

  run.child.kill('SIGINT');
  await run.exited;
  assert.doesNotMatch(run.text(), /internal error|SQLITE_FULL.*\n\s+at /);
});
