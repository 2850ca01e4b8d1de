// Refreshes the README's pictures of the dashboard: every screen at
// 1280×800 and at a phone's 390×844, light, and the overview dark, into
// docs/screenshots/. Run with `npm run screenshots` (it builds first).
// A real engine on a small demo project, driven by Debian's Chromium.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { node, engineArgs } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { freePort } from '../helpers/port.js';
import { repoRoot } from '../helpers/paths.js';
import { CHROMIUM, SIZES } from './browser.js';

const chatty = (what: string) => `["node", "-e", "let n = 0; setInterval(() => { console.log('${what} ' + n++ + ' ok'); if (n % 7 === 0) console.error('${what}: slow request ' + n); }, 700)"]`;
const busy = `["node", "-e", "setInterval(() => { const end = Date.now() + 40; while (Date.now() < end); }, 100)"]`;
const PITFILE = `# demo project for the dashboard's screenshots
version: 1
processes:
  api: { command: ${chatty('GET /health')}, health: { exec: ["true"], interval: 5s } }
  worker: { command: ${busy} }
  scheduler: { command: ${chatty('tick')} }
  migrate: { command: ["node", "-e", "process.exit(1)"], restart: { policy: on-failure, max_restarts: 1 } }
  reports: { command: ${chatty('report')}, depends_on: { migrate: completed } }
`;
const SCREENS: [string, string, string][] = [
  ['overview', '#/', 'tr[data-process="migrate"] td.state.fatal'],
  ['process', '#/process/api', '#log div.out'],
  ['logs', '#/logs', '#log div.out'],
  ['events', '#/events', 'ul.events li'],
  ['config', '#/config', '.cm-content'],
];

const out = join(repoRoot, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const dir = makeProject({ 'pitfile.yaml': PITFILE });
const port = await freePort();
const engine = spawn(node, [...engineArgs, 'run', '--dashboard', `127.0.0.1:${port}`], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
try {
  await new Promise<void>((resolve, reject) => {
    let text = '';
    engine.stdout!.on('data', (d: Buffer) => ((text += d), /dashboard: http/.test(text) && resolve()));
    engine.once('exit', (code) => reject(new Error(`the engine exited (${code}):\n${text}`)));
  });
  const token = readFileSync(join(dir, '.pit', 'dashboard.token'), 'utf8').trim();
  const base = `http://127.0.0.1:${port}`;
  // Let the sparklines gather a few samples.
  await new Promise((r) => setTimeout(r, 12_000));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  for (const [label, size] of Object.entries(SIZES)) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await (await browser.newContext({ viewport: size, colorScheme: scheme })).newPage();
      await page.goto(`${base}/#token=${token}`);
      for (const [name, hash, ready] of scheme === 'dark' ? SCREENS.slice(0, 1) : SCREENS) {
        await page.goto(`${base}/${hash}`);
        await page.waitForSelector(ready, { timeout: 20_000 });
        // A new page draws sparklines from the samples it has seen: give the overview a few.
        await page.waitForTimeout(name === 'overview' ? 8000 : 1500);
        const file = join(out, `${name}${scheme === 'dark' ? '-dark' : ''}-${label}.png`);
        writeFileSync(file, await page.screenshot());
        process.stdout.write(`${file}\n`);
      }
    }
  }
  await browser.close();
} finally {
  engine.kill('SIGTERM');
}
