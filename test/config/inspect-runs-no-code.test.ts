// Inspecting a pitfile from a cloned repository runs none of its code:
// validate, config show and get, doctor and the API's validate route never
// import a plugin nor start an interpreter the pitfile names. The flags that
// do (--check-plugins, --deep) are the person's choice, and do what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from '../helpers/project.js';
import { runEngine } from '../helpers/cli.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { request } from '../helpers/http.js';

/** A project whose plugin and "interpreter" each leave a file when they run. */
function hostileProject() {
  const dir = makeProject({
    'pitfile.yaml': 'version: 1\nplugins: [./tools/evil.mjs]\nprocesses:\n  app: { command: ".venv/bin/python app.py" }\n',
    'tools/evil.mjs': "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('../plugin-ran', import.meta.url), 'x');\nexport default { name: 'evil', apiVersion: 1 };\n",
    '.venv/bin/python': '#!/bin/sh\ntouch "$(dirname "$0")/../../python-ran"\nexit 0\n',
  });
  chmodSync(join(dir, '.venv/bin/python'), 0o755);
  return { dir, pluginRan: () => existsSync(join(dir, 'plugin-ran')), pythonRan: () => existsSync(join(dir, 'python-ran')) };
}
test('validate, config show, config get and doctor import no plugin and run no interpreter', () => {
  const p = hostileProject();
  for (const args of [['validate'], ['validate', '--json'], ['config', 'show'], ['config', 'get', 'processes.app.command'], ['doctor']]) {
    const r = runEngine(args, p.dir);
    assert.notEqual(r.status, null, `engine ${args.join(' ')} ended`);
    assert.ok(!p.pluginRan(), `engine ${args.join(' ')} imported the plugin`);
    assert.ok(!p.pythonRan(), `engine ${args.join(' ')} ran the project's interpreter`);
  }
  assert.match(runEngine(['doctor'], p.dir).stdout, /not checked: that runs their interpreters/);
});

test('validate --check-plugins and doctor --deep run the project code they say they run', () => {
  const p = hostileProject();
  runEngine(['validate', '--check-plugins'], p.dir);
  assert.ok(p.pluginRan());
  runEngine(['doctor', '--deep'], p.dir);
  assert.ok(p.pythonRan());
});

test("the control API's validate route imports no plugin that the checked text lists", async () => {
  const dir = makeProject({
    'pitfile.yaml': 'version: 1\nprocesses:\n  a: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }\n',
    'tools/evil.mjs': "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('../plugin-ran', import.meta.url), 'x');\nexport default { name: 'evil', apiVersion: 1 };\n",
  });
  const engine = runEngineProcess(dir);
  await engine.waitFor(/listening on/);
  const text = 'version: 1\nplugins: [./tools/evil.mjs]\nprocesses:\n  a: { command: ["node", "-e", "setInterval(() => {}, 1000)"] }\n';
  const r = await request('http://pit/v1/config/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }), socketPath: join(dir, '.pit', 'engine.sock') });
  assert.equal(r.status, 200, r.body);
  assert.ok(!existsSync(join(dir, 'plugin-ran')), 'validating a text imported its plugin');
});
