// A process's block as written in the pitfile, for the dashboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceBlock } from '../../core/config/source-block.js';

const PITFILE = `version: 1
processes:
  # the web server
  web:
    command: python app.py   # port from env
    depends_on:
      db: healthy

  db: { command: postgres }
  "my api": { command: node api.js }
watchers:
  web: { paths: ["src/**"] }
`;

test('a process block is its key and the lines indented under it, comments kept', () => {
  assert.equal(sourceBlock(PITFILE, 'web'), 'web:\n  command: python app.py   # port from env\n  depends_on:\n    db: healthy');
  assert.equal(sourceBlock(PITFILE, 'db'), 'db: { command: postgres }');
  assert.equal(sourceBlock(PITFILE, 'my api'), '"my api": { command: node api.js }');
});

test('a name used deeper (a dependency) or under another section is not taken for the process', () => {
  const only = `version: 1\nprocesses:\n  web:\n    depends_on:\n      db: healthy\nwatchers:\n  db: { paths: ["x"] }\n`;
  assert.equal(sourceBlock(only, 'db'), null);
  assert.equal(sourceBlock('version: 1\n', 'web'), null);
});
