// The process page, the merged logs and the events view, in Chromium:
// what each shows, and that its filters keep what they should and drop
// what they should not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/tools.js';
import { SIZES, dashboard, open } from './browser.js';

const skip = needs('chromium');
const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;
const say = (what: string) => `["node", "-e", "let n = 0; setInterval(() => console.log('${what} ' + n++), 100)"]`;

test('the process page restarts its process, marks the new run in its log, and shows its history with causes and its probe results', { skip }, async () => {
  const { url, base } = await dashboard(`  web: { command: ${say('hello')}, health: { exec: ["true"], interval: 1s } }\n`);
  const page = await open(url, SIZES.phone);
  await page.goto(`${base}/#/process/web`);
  await page.waitForSelector('#log div.out .text:text-matches("^hello \\\\d+$")');
  await page.waitForSelector('#health li:has-text("process:web:healthy")', { timeout: 20_000 });
  await page.waitForSelector('#config:has-text("command")');
  await page.click('button[data-action="restart"]');
  await page.waitForSelector('.outcome.done:text-matches("^restarted: running, pid \\\\d+$")', { timeout: 20_000 });
  await page.waitForSelector('#log .marker:has-text("restart (dashboard)")');
  await page.waitForSelector('#timeline li:has-text("to=stopping"):has-text("restart (dashboard)")');
  assert.equal(await page.$$eval('#timeline li', (li) => li.filter((l) => /:stdout|:stderr|:stats|:healthy/.test(l.textContent!)).length), 0, 'lines, samples and probe results stay out of the history');
});

test('the logs view merges every process, each name in its own colour, and filters by process and text', { skip }, async () => {
  const { url, base } = await dashboard(`  alpha: { command: ${say('from alpha')} }\n  beta: { command: ${say('from beta')} }\n`);
  const page = await open(url);
  await page.goto(`${base}/#/logs`);
  await page.waitForSelector('#log div[data-process="alpha"]');
  await page.waitForSelector('#log div[data-process="beta"]');
  const colour = (name: string) => page.$eval(`#log div[data-process="${name}"] .proc`, (e) => getComputedStyle(e).color);
  assert.notEqual(await colour('alpha'), await colour('beta'));
  await page.selectOption('#process', 'beta');
  await page.waitForSelector('#log div[data-process="beta"]');
  await page.waitForTimeout(500); // a few more lines arrive, none may be alpha's
  assert.equal(await page.$$eval('#log div[data-process="alpha"]', (rows) => rows.length), 0, 'only beta');
  await page.selectOption('#process', '');
  await page.waitForSelector('#log div[data-process="alpha"]');
  await page.fill('#filter', 'from alpha 1');
  const visible = await page.$$eval('#log div', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.textContent));
  assert.ok(visible.length > 0 && visible.every((t) => t!.includes('from alpha 1')), `only matching lines: ${visible.slice(0, 3)}`);
});

test('the events view filters by process and type, hides samples unless asked, and links a change to its cause', { skip }, async () => {
  const { url, base, dir } = await dashboard(`  web: { command: ${idle} }\n  other: { command: ${idle} }\n`);
  const page = await open(url);
  await page.waitForSelector('tr[data-process="web"] td.state.running');
  // A reload restarts web: its state changes name the reload as their cause.
  const file = join(dir, 'pitfile.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(`web: { command: ${idle} }`, `web: { command: ${idle}, stop: { timeout: 3s } }`));
  await page.waitForSelector('tr[data-process="web"] .cause:has-text("pitfile changed")', { timeout: 20_000 });
  await page.goto(`${base}/#/events`);
  await page.waitForSelector('ul.events li[data-name="config::reloaded"], ul.events li[data-name^="config:"]');
  const names = () => page.$$eval('ul.events li', (li) => li.map((l) => l.getAttribute('data-name')!));
  assert.ok(!(await names()).some((n) => /:(stats|stdout|stderr)$/.test(n)), 'no lines or samples by default');
  await page.selectOption('#ev-process', 'web');
  // Non-empty too: the list is empty for a moment while it reloads.
  const only = (re: string) => page.waitForFunction((src) => {
    const li = [...document.querySelectorAll('ul.events li')];
    return li.length > 0 && li.every((l) => new RegExp(src).test(l.getAttribute('data-name')!));
  }, re);
  await only('^[^:]*:web:');
  await page.selectOption('#ev-process', '');
  await page.fill('#type', 'process:*:state');
  await page.press('#type', 'Enter');
  await only('^process:[^:]+:state$');
  await page.fill('#type', '*:*');
  await page.press('#type', 'Enter');
  // The stop of web's restart names the reload; its link shows that event.
  const stop = page.locator('ul.events li[data-name="process:web:state"]:has-text("to=stopping"):has(a.cause-link)').first();
  await stop.locator('a.cause-link').click();
  await page.waitForSelector('ul.events li.flash[data-name^="config:"]');
});

test('the events view loads again once the engine answers when its first request got no answer', { skip }, async () => {
  const { url, base } = await dashboard(`  web: { command: ${idle} }\n`);
  const page = await open(url);
  await page.waitForSelector('tr[data-process="web"] td.state.running');
  // The view's first request for the journal fails as if the engine were away; the next ones pass.
  let refused = 0;
  await page.route('**/v1/events?*', (route) => (refused++ === 0 ? route.abort('connectionrefused') : route.continue()));
  await page.goto(`${base}/#/events`);
  await page.waitForSelector('ul.events li[data-name="process:web:state"]', { timeout: 20_000 });
  assert.ok(refused >= 2, `the journal was asked again after the failure (asked ${refused} times)`);
});
