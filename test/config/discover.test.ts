import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { discoverPitfile, searchPlaces } from '../../core/config/discover.js';
import { PitfileError } from '../../core/errors.js';
import { makeProject } from '../helpers/project.js';

const minimal = 'version: 1\n';

test('each search place is found when it is the only config', async () => {
  for (const name of searchPlaces) {
    const content = name === 'package.json' ? JSON.stringify({ name: 'x', pit: { version: 1 } }) : name.endsWith('.json') ? '{"version":1}' : minimal;
    const dir = makeProject({ [name]: content });
    const found = await discoverPitfile(dir);
    assert.equal(found.file, join(dir, name), name);
    assert.equal(found.prop, name === 'package.json' ? 'pit' : undefined);
  }
});

test('discovery prefers pitfile.yaml, then pitfile.yml, .pitrc forms, package.json last', async () => {
  const all = Object.fromEntries(searchPlaces.map((n) => [n, n === 'package.json' ? '{"pit":{"version":1}}' : minimal]));
  const dir = makeProject(all);
  for (const expected of searchPlaces) {
    const found = await discoverPitfile(dir);
    assert.equal(found.file, join(dir, expected));
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, expected));
  }
});

test('a package.json without a "pit" key is skipped and the search goes upward', async () => {
  const dir = makeProject({ 'pitfile.yaml': minimal, 'sub/deeper/package.json': '{"name":"x"}' });
  const found = await discoverPitfile(join(dir, 'sub', 'deeper'));
  assert.equal(found.file, join(dir, 'pitfile.yaml'));
});

test('the search goes from the current directory upward', async () => {
  const dir = makeProject({ 'pitfile.yaml': minimal });
  mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
  assert.equal((await discoverPitfile(join(dir, 'a', 'b', 'c'))).file, join(dir, 'pitfile.yaml'));
});

test('--config overrides the search, relative to the current directory', async () => {
  const dir = makeProject({ 'pitfile.yaml': minimal, 'deploy/prod.yaml': minimal });
  assert.equal((await discoverPitfile(dir, 'deploy/prod.yaml')).file, join(dir, 'deploy', 'prod.yaml'));
});

test('an empty pitfile is found (and reported later), not skipped', async () => {
  const dir = makeProject({ 'pitfile.yaml': '', 'sub/x': '' });
  assert.equal((await discoverPitfile(join(dir, 'sub'))).file, join(dir, 'pitfile.yaml'));
});

test('no pitfile anywhere is PIT_E_CONFIG_NOT_FOUND', async () => {
  const dir = makeProject({});
  await assert.rejects(discoverPitfile(dir), (e: unknown) => e instanceof PitfileError && e.errors[0].code === 'PIT_E_CONFIG_NOT_FOUND');
});

test('a pitfile found upward in a folder writable by everyone, or owned by another user, is refused; named with --config it is used', async () => {
  const { chmodSync, chownSync } = await import('node:fs');
  const shared = makeProject({ 'pitfile.yaml': minimal });
  mkdirSync(join(shared, 'below'));
  chmodSync(shared, 0o777);
  await assert.rejects(discoverPitfile(join(shared, 'below')), (e: PitfileError) => {
    assert.equal(e.errors[0].code, 'PIT_E_CONFIG_UNTRUSTED');
    assert.match(e.errors[0].message, /is writable by everyone, so anyone could have put it there/);
    return true;
  });
  await assert.rejects(discoverPitfile(shared), /PIT_E_CONFIG_UNTRUSTED|writable by everyone/);
  assert.equal((await discoverPitfile(shared, 'pitfile.yaml')).file, join(shared, 'pitfile.yaml'));
  // Another user's folder: testable where we may give a folder away (as root, in CI).
  if (process.getuid?.() === 0) {
    const theirs = makeProject({ 'pitfile.yaml': minimal });
    chownSync(theirs, 65534, 65534);
    chownSync(join(theirs, 'pitfile.yaml'), 65534, 65534);
    await assert.rejects(discoverPitfile(theirs), (e: PitfileError) => /belongs to user 65534/.test(e.errors[0].message) || false);
  } else assert.ok(!process.env.CI, 'CI runs as root, so the other-user case runs there');
});
