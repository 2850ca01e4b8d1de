// The dashboard in a real browser (Debian's Chromium driven by
// playwright-core) against a real `engine run --dashboard`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../helpers/wait.js';
import { dashboard, open } from './browser.js';
import { needs } from '../helpers/tools.js';
import { request } from '../helpers/http.js';

const skip = needs('chromium');

const talker = `["node", "-e", "let n = 0; setInterval(() => { console.log('line ' + n); console.error('oops ' + n++); }, 100)"]`;
const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

test('a request without the token, or a change from another origin, is refused', { skip }, async () => {
  const { base, dir, token } = await dashboard(`  idle: { command: ${idle} }\n`);
  assert.equal((await fetch(`${base}/v1/processes`)).status, 401);
  assert.equal(statSync(join(dir, '.pit', 'dashboard.token')).mode & 0o777, 0o600);
  const auth = { authorization: `Bearer ${token}` };
  assert.equal((await fetch(`${base}/v1/processes`, { headers: auth })).status, 200);
  const forged = await fetch(`${base}/v1/processes/stop`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{"names":["idle"]}' });
  assert.equal(forged.status, 403);
  assert.equal((await forged.json()).error.code, 'PIT_E_DASHBOARD_ORIGIN');
});

test('the token is never a cookie: the old cookie, or the token in the query, opens nothing', { skip }, async () => {
  const { base, token } = await dashboard(`  idle: { command: ${idle} }\n`);
  const page = await fetch(`${base}/?token=${token}`);
  assert.equal(page.status, 200, 'the page itself holds no secret');
  assert.equal(page.headers.get('set-cookie'), null);
  assert.equal((await fetch(`${base}/v1/processes`, { headers: { cookie: `pit_dashboard=${token}` } })).status, 401);
  assert.equal((await fetch(`${base}/v1/processes?token=${token}`)).status, 401);
});

test('a request naming another host (DNS rebinding) is refused; localhost and [::1] are this machine', { skip }, async () => {
  const { base, token } = await dashboard(`  idle: { command: ${idle} }\n`);
  const port = new URL(base).port;
  const auth = { authorization: `Bearer ${token}` };
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost:${Number(port) + 1}`]) {
    const r = await request(`${base}/v1/processes`, { headers: { ...auth, host } });
    assert.equal(r.status, 421, host);
    assert.equal(JSON.parse(r.body).error.code, 'PIT_E_DASHBOARD_HOST');
    assert.equal((await request(`${base}/`, { headers: { host } })).status, 421, `the page for ${host}`);
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
    assert.equal((await request(`${base}/v1/processes`, { headers: { ...auth, host } })).status, 200, host);
  }
  // The page opened as http://localhost:PORT may change things: its Origin is its own.
  const stop = await request(`${base}/v1/processes/stop`, { method: 'POST', headers: { ...auth, host: `localhost:${port}`, origin: `http://localhost:${port}`, 'content-type': 'application/json' }, body: '{"names":["idle"]}' });
  assert.equal(stop.status, 200, stop.body);
  const cross = await request(`${base}/v1/processes/start`, { method: 'POST', headers: { ...auth, host: `localhost:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }, body: '{"names":["idle"]}' });
  assert.equal(cross.status, 403);
});

test('every answer forbids framing, sniffing and referrers; the page runs no inline script', { skip }, async () => {
  const { base, token } = await dashboard(`  idle: { command: ${idle} }\n`);
  for (const r of [await request(`${base}/`), await request(`${base}/v1/processes`, { headers: { authorization: `Bearer ${token}` } }), await request(`${base}/v1/processes`)]) {
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.doesNotMatch(String(r.headers['content-security-policy']), /script-src[^;]*unsafe-inline/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
  }
  assert.doesNotMatch((await request(`${base}/`)).body, /<script>(?!<\/script>)/, 'no inline script');
});

test('oversized request headers are refused before any route runs', { skip }, async () => {
  const { base } = await dashboard(`  idle: { command: ${idle} }\n`);
  const big = await request(`${base}/`, { headers: { 'x-pad': 'a'.repeat(16 * 1024) } });
  assert.equal(big.status, 431);
});

test('the overview shows every process live; restart changes the pid; the process page has its log, filter and history', { skip }, async () => {
  const { url } = await dashboard(`  talker: { command: ${talker} }\n  idle: { command: ${idle} }\n`);
  const page = await open(url);
  assert.equal(new URL(page.url()).hash, '#/', 'the token left the address bar');
  assert.deepEqual(await page.context().cookies(), [], 'no cookie holds the token');
  // Another tab without the token gets a page that says what to do, not a raw 401.
  const bare = await open(url.replace(/#.*/, ''));
  await bare.waitForSelector('text=This page needs the engine\'s token');
  await page.waitForSelector('tr[data-process="talker"] td.state.running');
  await page.waitForSelector('tr[data-process="idle"] td.state.running');
  const pid = await page.textContent('tr[data-process="idle"] td.pid');
  await page.click('tr[data-process="idle"] button[data-action="restart"]');
  await page.waitForFunction((old) => {
    const t = document.querySelector('tr[data-process="idle"] td.pid')?.textContent;
    return t && t !== old && t !== '-';
  }, pid, { timeout: 20_000 });
  // The last change and its cause, under the name.
  await page.waitForSelector('tr[data-process="idle"] .cause:text-matches("running .* ago: restart \\\\(dashboard\\\\)")');

  await page.click('a.name:text("talker")');
  await page.waitForSelector('#log div.out .text:text-matches("^line \\\\d+$")');
  await page.waitForSelector('#log div.err .text:text-matches("^oops \\\\d+$")');
  await page.fill('#filter', 'oops');
  await until(async () => (await page.$$eval('#log div', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).every((r) => r.textContent!.includes('oops')))), 5000, 'only matching lines shown');
  assert.ok((await page.$$eval('#log div.out', (rows) => rows.every((r) => (r as HTMLElement).hidden))), 'stdout lines hidden by the filter');
  assert.equal(await page.textContent('#log div.err:not([hidden]) mark'), 'oops', 'matches highlighted');
  // Times read as everywhere else: local time, to the millisecond; the start's cause is named.
  await page.waitForSelector('#timeline li:text-matches("^\\\\d{4}-\\\\d\\\\d-\\\\d\\\\d \\\\d\\\\d:\\\\d\\\\d:\\\\d\\\\d\\\\.\\\\d{3} process:talker:state")');
  assert.equal(await page.$$eval('#timeline li', (li) => li.filter((l) => /stdout|stderr|stats/.test(l.textContent!)).length), 0, 'no lines or samples in the history');
});

test('with 100 processes and one printing 10,000 lines a second the page stays responsive, and the log file keeps every line', { skip }, async () => {
  const many = Array.from({ length: 100 }, (_, i) => `  p${i}: { command: ["sleep", "300"] }\n`).join('');
  const flood = `["node", "-e", "let n = 0; setInterval(() => { let s = ''; for (let i = 0; i < 100; i++) s += 'flood ' + n++ + '\\\\n'; process.stdout.write(s); }, 10)"]`;
  const { url, dir } = await dashboard(`${many}  flood: { command: ${flood} }\n`);
  const page = await open(url);
  await page.waitForFunction(() => document.querySelectorAll('tr[data-process]').length === 101, undefined, { timeout: 30_000 });
  await page.click('a.name:text("flood")');
  await page.waitForSelector('#log div.out');
  const started = Date.now();
  await page.click('#pause');
  await page.waitForSelector('#pause:text("resume")', { timeout: 10_000 });
  const clickMs = Date.now() - started;
  assert.ok(clickMs < 10_000, `a click answered in ${clickMs} ms`);
  assert.ok((await page.$$eval('#log div', (r) => r.length)) <= 2000, 'the view keeps at most 2,000 lines');
  const logged = readFileSync(join(dir, '.pit', 'logs', 'flood.log'), 'utf8').trim().split('\n');
  const numbers = logged.map((l) => Number(/flood (\d+)$/.exec(l)?.[1]));
  assert.ok(numbers.length > 1000);
  assert.ok(numbers.every((n, i) => n === i), 'the log file has every line, in order');
});
