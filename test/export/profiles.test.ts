// profiles in exports: Compose has them and gets them; every other target
// runs the process with the others, and says so instead of dropping them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { loadPitfile } from '../../core/config/load.js';
import { exportSystemd } from '../../core/export/systemd.js';
import { exportSupervisord } from '../../core/export/supervisord.js';
import { exportCompose } from '../../core/export/compose.js';
import { exportKubernetes } from '../../core/export/kubernetes.js';
import { makeProject } from '../helpers/project.js';

const dir = makeProject({ 'pitfile.yaml': 'version: 1\nprocesses:\n  web: { command: [node, web.js] }\n  admin: { command: [node, admin.js], profiles: [dev, debug] }\n' });

test('engine export compose writes profiles where the pitfile has them, and no warning about them', async () => {
  const { pitfile } = await loadPitfile({ cwd: dir });
  const out = exportCompose(pitfile, 'node:20');
  const services = parse(out.files['compose.yaml']).services;
  assert.deepEqual(services.admin.profiles, ['dev', 'debug']);
  assert.equal(services.web.profiles, undefined);
  assert.ok(!out.warnings.some((w) => /profiles/.test(w)), out.warnings.join('\n'));
});

test('systemd, supervisord and Kubernetes exports say that profiles are not exported, naming the process', async () => {
  const { pitfile } = await loadPitfile({ cwd: dir });
  for (const [target, out] of [['systemd', exportSystemd(pitfile)], ['supervisord', exportSupervisord(pitfile)], ['Kubernetes', exportKubernetes(pitfile, 'node:20')]] as const) {
    assert.deepEqual(out.warnings.filter((w) => /profiles/.test(w)), [`admin: profiles dev, debug are not exported: ${target} runs it with the others`], target);
  }
});
