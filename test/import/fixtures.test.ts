// engine import on real files from public repositories (test/fixtures/import/
// <format>/<name>/, each naming its source): every one imports, the pitfile
// it writes passes the project's own loader, and every note of the report is
// also a comment in that pitfile. One golden file per format pins the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPitfile } from '../../core/config/load.js';
import { importFile } from '../../core/import/import-file.js';
import { FORMATS, type Format } from '../../core/import/draft.js';
import { fixture } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';

/** Each fixture folder and the config file in it. */
function fixtures(format: Format): { name: string; dir: string; file: string }[] {
  const root = fixture('import', format);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(root, d.name);
      const file = readdirSync(dir).filter((f) => !['SOURCE', '.env', 'conf.d', 'package.json'].includes(f))[0];
      return { name: d.name, dir, file };
    });
}

/** Import a copy of the fixture (its folder is where the pitfile goes) and load the result as `engine run` would. */
export async function importAndLoad(format: Format, f: { dir: string; file: string }, extra: Partial<Parameters<typeof importFile>[0]> = {}) {
  const root = join(makeProject(), 'project');
  cpSync(f.dir, root, { recursive: true });
  if (format === 'pm2') writeFileSync(join(root, 'package.json'), '{ "type": "commonjs" }');
  const result = await importFile({ file: join(root, f.file), outDir: root, ...extra });
  const out = join(root, 'pitfile.yaml');
  writeFileSync(out, result.text);
  // ${X} comes from supervisord's %(ENV_X)s: set, as supervisord needed them set.
  const env = Object.fromEntries([...result.text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => [m[1], 'x']));
  const loaded = await loadPitfile({ config: out, plugins: false, env: { ...process.env, ...env } });
  return { root, result, loaded };
}

for (const format of FORMATS) {
  test(`${format}: at least eight real files, each naming its source`, () => {
    const list = fixtures(format);
    assert.ok(list.length >= 8, `${format} has ${list.length} fixtures`);
    for (const f of list) {
      const head = readFileSync(join(f.dir, f.file), 'utf8').split('\n').slice(0, 3).join('\n');
      const source = existsSync(join(f.dir, 'SOURCE')) ? readFileSync(join(f.dir, 'SOURCE'), 'utf8') : head;
      assert.match(source, /Source: github\.com\/[\w.-]+\/[\w.-]+ /, `${format}/${f.name} names its repository`);
    }
  });

  test(`${format}: every real file imports into a pitfile that loads, with each note of the report written in it`, async () => {
    for (const f of fixtures(format)) {
      const { result, loaded } = await importAndLoad(format, f);
      assert.equal(result.format, format, `${f.name} is recognised as ${format}`);
      // A process with replicas loads as its copies (api.1, api.2): counted once, by the name written.
      const written = [...new Set(Object.values(loaded.pitfile.processes).map((p) => p.replica?.group ?? p.name))];
      assert.deepEqual(written.sort(), [...result.processes].sort(), `${f.name}: the processes imported are the ones that load`);
      for (const line of result.report) {
        const note = line.slice(line.search(/(not mapped|note): /));
        assert.ok(result.text.includes(note.split('\n')[0]), `${f.name}: "${note}" is a comment in the pitfile too`);
      }
    }
  });
}

test('every format reports what it could not map, somewhere in its real files', async () => {
  for (const format of FORMATS) {
    const reports = (await Promise.all(fixtures(format).map(async (f) => (await importAndLoad(format, f)).result.report))).flat();
    // A Procfile has nothing but names and commands; what differs is how foreman runs them.
    const expected = format === 'procfile' ? 'note: foreman stops every process' : 'not mapped';
    assert.ok(reports.some((l) => l.includes(expected)), `${format}: a real file's report says "${expected}"`);
  }
});

const golden: Record<Format, string> = {
  pm2: 'nextjs-csms',
  procfile: 'graditude',
  supervisord: 'laravel-include',
  compose: 'nginx-wsgi-flask',
  'process-compose': 'issue-107',
};

test('one file per format matches its golden pitfile byte for byte (UPDATE_GOLDEN=1 rewrites them)', async () => {
  const dir = fixture('import', 'golden');
  for (const format of FORMATS) {
    const f = fixtures(format).find((x) => x.name === golden[format])!;
    const { root, result } = await importAndLoad(format, f);
    const text = result.text.split(root).join('<root>');
    const file = join(dir, `${format}.yaml`);
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
    }
    assert.equal(text, readFileSync(file, 'utf8'), `${format}: differs from test/fixtures/import/golden/${format}.yaml`);
  }
});
