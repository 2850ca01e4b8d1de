// The dashboard in a real browser (Debian's Chromium driven by
// playwright-core) against a real `engine run --dashboard`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';
import { repoRoot } from '../helpers/paths.js';
import { until } from '../helpers/wait.js';
import { needs } from '../helpers/tools.js';
import { request } from '../helpers/http.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = needs('chromium');

let browser: Browser | undefined;
async function open(url: string): Promise<Page> {
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without these, Chromium keeps reaching for Google's hosts, which this closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  return page;
}
after(async () => browser?.close());

async function dashboard(processes: string) {
  const port = await freePort();
  const dir = makeProject({ 'pitfile.yaml': `# the team's pitfile\nversion: 1\nprocesses:\n${processes}` });
  const engine = runEngineProcess(dir, ['--dashboard', `127.0.0.1:${port}`]);
  // Not a terminal: the address is printed without the token, which stays in its file.
  const base = (await engine.waitFor(/dashboard: (http:\/\/127\.0\.0\.1:\d+)\/ \(add #token= and the contents of \.pit\/dashboard\.token\)/, 20_000))[1];
  const token = readFileSync(join(dir, '.pit', 'dashboard.token'), 'utf8').trim();
  assert.ok(!engine.text().includes(token), 'the token was printed to a pipe');
  return { dir, url: `${base}/#token=${token}`, base, token, engine };
}

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

test('the overview shows every process live; restart changes the pid; logs, filter, config edits work', { skip }, async () => {
  const { url, dir } = await dashboard(`  talker: { command: ${talker} }\n  idle: { command: ${idle} }\n`);
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
  // The README's picture is refreshed on request only, so a test run leaves the tree clean.
  const shot = process.env.UPDATE_SCREENSHOT ? join(repoRoot, 'docs', 'dashboard.png') : join(makeProject(), 'dashboard.png');
  await page.screenshot({ path: shot });
  assert.ok(statSync(shot).size > 5000);

  await page.click('a.name:text("talker")');
  await page.waitForSelector('#log div.out:text-matches("line \\\\d+")');
  await page.waitForSelector('#log div.err:text-matches("oops \\\\d+")');
  await page.fill('#filter', 'oops');
  await until(async () => (await page.$$eval('#log div', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).every((r) => r.textContent!.includes('oops')))), 5000, 'only matching lines shown');
  assert.ok((await page.$$eval('#log div.out', (rows) => rows.every((r) => (r as HTMLElement).hidden))), 'stdout lines hidden by the filter');
  // Times read as everywhere else: local time, to the millisecond.
  await page.waitForSelector('ul.events li:text-matches("^\\\\d{4}-\\\\d\\\\d-\\\\d\\\\d \\\\d\\\\d:\\\\d\\\\d:\\\\d\\\\d\\\\.\\\\d{3} process:talker:state")');

  const file = join(dir, 'pitfile.yaml');
  const before = readFileSync(file, 'utf8');
  await page.goto(`${new URL(url).origin}/#/config`);
  await page.waitForFunction(() => (document.getElementById('source') as HTMLTextAreaElement).value.includes('talker'));
  await page.fill('#source', before.replace(`  idle: { command: ${idle} }`, `  idle: { command: ${idle}, restart: { policy: sometimes } }`));
  await page.waitForSelector('#problems:text-matches("line 5:\\\\d+: processes\\\\.idle\\\\.restart\\\\.policy must be one of")');
  assert.equal(await page.isDisabled('#save'), true, 'an invalid config cannot be saved');
  assert.equal(readFileSync(file, 'utf8'), before);
  const edited = `${before}  late: { command: ${idle} }\n`;
  await page.fill('#source', edited);
  await page.waitForFunction(() => !(document.getElementById('save') as HTMLButtonElement).disabled && document.getElementById('problems')!.textContent === '');
  await page.click('#save');
  await page.waitForSelector('#saved:text("saved; the engine reloads it")');
  assert.equal(readFileSync(file, 'utf8'), edited, 'saved exactly as typed, comment and all');
  await page.goto(`${new URL(url).origin}/#/`);
  await page.waitForSelector('tr[data-process="late"] td.state.running', { timeout: 20_000 });
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
