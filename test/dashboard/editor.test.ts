// The pitfile editor: CodeMirror with the engine's problems as markers on
// the line they name, schema key completion, and a review of what a save
// changes before it is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { needs } from '../helpers/tools.js';
import { dashboard, open } from './browser.js';

const skip = needs('chromium');
const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;
const PITFILE = `  web: { command: ${idle} }\n  idle: { command: ${idle} }\n`;

/** Replace the editor's whole text, as a paste would. */
async function typeAll(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').fill(text);
}

/** The 1-based line of each error marker in the text. */
const markedLines = (page: Page) =>
  page.$$eval('.cm-lintRange-error', (marks) => marks.map((m) => [...document.querySelectorAll('.cm-content > .cm-line')].indexOf(m.closest('.cm-line')!) + 1));

test('the editor marks the engine\'s error on the line it names, with its fix, and refuses to save', { skip }, async () => {
  const { url, base, dir } = await dashboard(PITFILE);
  const file = join(dir, 'pitfile.yaml');
  const before = readFileSync(file, 'utf8');
  const page = await open(url);
  await page.goto(`${base}/#/config`);
  await page.waitForSelector('.cm-content:has-text("idle")');
  // Line 5 of the file: "  idle: { command: …, restart: { policy: sometimes } }".
  await typeAll(page, before.replace(`  idle: { command: ${idle} }`, `  idle: { command: ${idle}, restart: { policy: sometimes } }`));
  await page.waitForSelector('.cm-lintRange-error', { timeout: 10_000 });
  assert.deepEqual(await markedLines(page), [5]);
  assert.equal(await page.textContent('.cm-lintRange-error'), 'sometimes', 'the marker sits on the bad value');
  await page.waitForSelector('#problems:text-matches("line 5:\\\\d+: processes\\\\.idle\\\\.restart\\\\.policy must be one of")');
  assert.equal(await page.isDisabled('#save'), true, 'an invalid config cannot be saved');
  // The gutter's marker tells the message and the fix on hover.
  await page.hover('.cm-lint-marker-error');
  await page.waitForSelector('.cm-tooltip-lint:has-text("fix:")');
  assert.equal(readFileSync(file, 'utf8'), before);
});

test('the editor completes the schema\'s keys where the cursor is', { skip }, async () => {
  const { url, base } = await dashboard(`  web:\n    command: ${idle}\n`);
  const page = await open(url);
  await page.goto(`${base}/#/config`);
  await page.waitForSelector('.cm-content:has-text("web")');
  // At the end of "    command: …", a new key of the process.
  await page.click('.cm-line:has-text("command")');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('resta');
  await page.waitForSelector('.cm-tooltip-autocomplete li:has-text("restart")');
  const offered = await page.$$eval('.cm-tooltip-autocomplete li', (li) => li.map((l) => l.textContent));
  assert.ok(!offered.some((o) => o?.includes('processes')), `top-level keys are not offered inside a process: ${offered}`);
});

test('save shows which processes it adds, removes and changes, and writes nothing until applied', { skip }, async () => {
  const { url, base, dir } = await dashboard(PITFILE);
  const file = join(dir, 'pitfile.yaml');
  const before = readFileSync(file, 'utf8');
  const page = await open(url);
  await page.goto(`${base}/#/config`);
  await page.waitForSelector('.cm-content:has-text("idle")');
  const edited = `${before.replace(`  web: { command: ${idle} }\n`, '').replace(`  idle: { command: ${idle} }`, `  idle: { command: ${idle}, stop: { timeout: 3s } }`)}  late: { command: ${idle} }\n`;
  await typeAll(page, edited);
  await page.waitForFunction(() => !(document.getElementById('save') as HTMLButtonElement).disabled && document.getElementById('problems')!.textContent === '', undefined, { timeout: 10_000 });
  await page.click('#save');
  await page.waitForSelector('#diff');
  const items = await page.$$eval('#diff li', (li) => li.map((l) => l.textContent));
  assert.deepEqual(items, ['+ add late (it starts)', '− remove web (it stops)', '~ change idle: processes.idle.stop.timeout (it restarts)']);
  assert.equal(readFileSync(file, 'utf8'), before, 'nothing written before apply');
  await page.click('#apply');
  await page.waitForSelector('#saved:text("saved; the engine reloads it")');
  assert.equal(readFileSync(file, 'utf8'), edited, 'saved exactly as typed, comment and all');
  await page.goto(`${base}/#/`);
  await page.waitForSelector('tr[data-process="late"] td.state.running', { timeout: 20_000 });
  await page.waitForSelector('tr[data-process="web"]', { state: 'detached', timeout: 20_000 });
});
