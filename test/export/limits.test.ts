// What each target does with limits, said exactly: systemd and the
// container runtimes enforce (a kill at the memory ceiling, a CPU
// throttle), supervisord enforces nothing, and a report-only limit is
// exported nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { loadForExport } from '../../core/export/shell-reference.js';
import { exportSystemd } from '../../core/export/systemd.js';
import { exportSupervisord } from '../../core/export/supervisord.js';
import { exportCompose } from '../../core/export/compose.js';
import { exportKubernetes } from '../../core/export/kubernetes.js';
import { makeProject } from '../helpers/project.js';
import { join } from 'node:path';

const load = (limits: string) =>
  loadForExport({ config: join(makeProject({ 'pitfile.yaml': `version: 1\nprocesses:\n  api: { command: ["sleep", "300"], limits: ${limits} }\nexport: { image: img }\n` }), 'pitfile.yaml') });

test('systemd gets MemoryMax=, CPUQuota= and LimitNOFILE=, and says the kernel kills at once where engine run waits "for"', async () => {
  const out = exportSystemd(await load('{ memory: 256MB, cpu: 50%, for: 30s, action: restart }'), { openFiles: 4096 });
  const unit = Object.entries(out.files).find(([f]) => f.endsWith('-api.service'))![1].split('\n');
  for (const line of ['MemoryMax=268435456', 'CPUQuota=50%', 'LimitNOFILE=4096']) assert.ok(unit.includes(line), line);
  assert.ok(out.warnings.includes('api: limits.memory becomes MemoryMax=, enforced by the kernel: the process is killed the moment it reaches it (engine run waits "for" 30s), then Restart= restarts it'));
  assert.ok(out.warnings.includes('api: limits.cpu becomes CPUQuota=: the process is throttled to it, never restarted for CPU'));
  const none = exportSystemd(await load('{ memory: 256MB, action: restart }'));
  assert.ok(!Object.values(none.files).join('').includes('LimitNOFILE'), 'no open-files limit known: none written');
});

test('supervisord is told its limits are not enforced, with the event-listener way, and gets no setting that pretends otherwise', async () => {
  const out = exportSupervisord(await load('{ memory: 512MB, cpu: 150%, action: restart }'));
  assert.ok(out.warnings.includes("api: limits.memory is not enforced: supervisord has no limits; superlance's memmon event listener restarts a program over a size ([eventlistener:memmon] command=memmon -p api=512MB, events=TICK_60)"));
  assert.ok(out.warnings.includes('api: limits.cpu is not enforced: supervisord has no limits, and no event listener of its own watches CPU'));
  assert.ok(!out.warnings.some((w) => /hard limit/.test(w)), 'never said to become a limit it does not have');
  assert.match(out.files['supervisord.conf'], /^; NOT EXPORTED \/ CHANGED: api: limits\.memory is not enforced/m, 'said in the file too');
});

test('a limit that only reports (action none) is exported nowhere, and said', async () => {
  const pitfile = await load('{ memory: 256MB, cpu: 90%, action: none }');
  const outs = { systemd: exportSystemd(pitfile), supervisord: exportSupervisord(pitfile), Compose: exportCompose(pitfile, null), Kubernetes: exportKubernetes(pitfile, null) };
  for (const [target, out] of Object.entries(outs)) {
    assert.ok(out.warnings.includes(`api: limits (action none) are not exported: engine run only reports them, and ${target} has no limit that only reports`), target);
    const text = Object.values(out.files).join('\n').split('\n').filter((l) => !/^[#;]/.test(l)).join('\n');
    assert.doesNotMatch(text, /MemoryMax|CPUQuota|limits:|268435456/, `${target}: no limit that would act`);
  }
});

test('Compose and Kubernetes get the memory ceiling and CPU quota, said as a kill and a throttle', async () => {
  const pitfile = await load('{ memory: 256MB, cpu: 50%, action: stop }');
  const compose = exportCompose(pitfile, null);
  assert.deepEqual(parse(compose.files['compose.yaml']).services.api.deploy.resources.limits, { cpus: '0.5', memory: '268435456b' });
  assert.ok(compose.warnings.some((w) => /^api: limits\.memory becomes deploy\.resources\.limits\.memory, enforced by the kernel: .*then its restart: applies \(engine run would stop it\)$/.test(w)));
  const k8s = exportKubernetes(pitfile, null);
  assert.deepEqual(parse(k8s.files['deployment-api.yaml']).spec.template.spec.containers[0].resources.limits, { cpu: '500m', memory: '268435456' });
  assert.ok(k8s.warnings.includes('api: limits.cpu becomes resources.limits.cpu: the process is throttled to it, never stopped for CPU'));
});
