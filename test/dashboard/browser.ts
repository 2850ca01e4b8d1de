// The dashboard in a real browser: Debian's Chromium driven by
// playwright-core, against a real `engine run --dashboard`, at the two
// sizes the issue names (a laptop, a phone).
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeProject } from '../helpers/project.js';
import { runEngineProcess, type RunningEngine } from '../helpers/engine-process.js';
import { freePort } from '../helpers/port.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SIZES = { wide: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

let browser: Browser | undefined;
after(async () => browser?.close());

/** A new tab at `url`, `size` wide, in light or dark as the system would say. */
export async function open(url: string, size: { width: number; height: number } = SIZES.wide, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without these, Chromium keeps reaching for Google's hosts, which this closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ viewport: size, colorScheme })).newPage();
  await page.goto(url);
  return page;
}

export interface Dash {
  dir: string;
  port: number;
  base: string;
  url: string;
  token: string;
  engine: RunningEngine;
}

/** `engine run --dashboard` on a free port in a new project whose pitfile lists `processes` (YAML lines). */
export async function dashboard(processes: string, port?: number, dir?: string): Promise<Dash> {
  port ??= await freePort();
  dir ??= makeProject({ 'pitfile.yaml': `# the team's pitfile\nversion: 1\nprocesses:${processes ? `\n${processes}` : ' {}\n'}` });
  const engine = runEngineProcess(dir, ['--dashboard', `127.0.0.1:${port}`]);
  // Not a terminal: the address is printed without the token, which stays in its file.
  const base = (await engine.waitFor(/dashboard: (http:\/\/127\.0\.0\.1:\d+)\/ \(add #token= and the contents of \.pit\/dashboard\.token\)/, 20_000))[1];
  const token = readFileSync(join(dir, '.pit', 'dashboard.token'), 'utf8').trim();
  assert.ok(!engine.text().includes(token), 'the token was printed to a pipe');
  return { dir, port, base, url: `${base}/#token=${token}`, token, engine };
}

/** How far the page scrolls sideways (0: it fits its window). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The colour of one pixel of the page, as the screen shows it: [r, g, b]. */
export async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x, y, width: 1, height: 1 }, type: 'png' });
  return firstPixel(png);
}

/**
 * The first pixel of a PNG. Whatever filter its row uses, the first pixel
 * of the first row is stored as is (it has no left or upper neighbour).
 */
function firstPixel(png: Buffer): [number, number, number] {
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return [raw[1], raw[2], raw[3]];
}
