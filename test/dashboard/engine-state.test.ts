// The dashboard is honest about the engine: when it stops, the page says
// so and acts on nothing; when it returns, the page picks up by itself;
// every action ends in an outcome, a refusal with the engine's reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needs } from '../helpers/tools.js';
import { runEngineAsync } from '../helpers/cli.js';
import { request } from '../helpers/http.js';
import { SIZES, dashboard, open } from './browser.js';

const skip = needs('chromium');
const idle = `["node", "-e", "setInterval(() => {}, 1000)"]`;

test('after engine shutdown the page shows "engine stopped — last seen" within 5 s, greys rows and disables actions; it recovers when the engine returns', { skip }, async () => {
  const first = await dashboard(`  idle: { command: ${idle} }\n`);
  const page = await open(first.url, SIZES.phone);
  await page.waitForSelector('tr[data-process="idle"] td.state.running');
  assert.equal(await page.isVisible('#banner'), false, 'no banner while the engine answers');
  assert.equal(await page.isEnabled('tr[data-process="idle"] button[data-action="restart"]'), true);

  const down = runEngineAsync(['shutdown'], first.dir);
  const stoppedAt = Date.now();
  await page.waitForSelector('#banner b:text-matches("^engine stopped — last seen \\\\d\\\\d:\\\\d\\\\d:\\\\d\\\\d")', { timeout: 5000 });
  assert.ok(Date.now() - stoppedAt < 5000);
  assert.equal((await down).status, 0);
  await first.engine.exited;
  await page.waitForSelector('#conn:text("engine stopped")');
  assert.equal(await page.isDisabled('tr[data-process="idle"] button[data-action="restart"]'), true, 'actions wait for the engine');
  assert.equal(await page.$eval('body', (b) => b.classList.contains('offline')), true, 'rows greyed');

  // The same project and port: the kept token lets the open page in again.
  const second = await dashboard('', first.port, first.dir);
  assert.equal(second.token, first.token, 'the token is kept across restarts');
  await page.waitForSelector('#banner', { state: 'hidden', timeout: 15_000 });
  await page.waitForSelector('#conn:text("connected")');
  await page.waitForSelector('tr[data-process="idle"] td.state.running', { timeout: 15_000 });
  assert.equal(await page.isEnabled('tr[data-process="idle"] button[data-action="restart"]'), true, 'actions work again');
  // Live again: a restart from elsewhere shows up without reloading the page.
  const pid = await page.textContent('tr[data-process="idle"] td.pid');
  await request(`${second.base}/v1/processes/restart`, { method: 'POST', headers: { authorization: `Bearer ${second.token}`, 'content-type': 'application/json' }, body: '{"names":["idle"]}' });
  await page.waitForFunction((old) => {
    const t = document.querySelector('tr[data-process="idle"] td.pid')?.textContent;
    return t && t !== old && t !== '-';
  }, pid, { timeout: 15_000 });
});

test('an action the engine refuses shows its reason and leaves the button usable; one that works says so', { skip }, async () => {
  const crash = `["node", "-e", "process.exit(3)"]`;
  const { url } = await dashboard(`  crash: { command: ${crash}, restart: { policy: on-failure, max_restarts: 0 } }\n  needs: { command: ${idle}, depends_on: { crash: started } }\n  idle: { command: ${idle} }\n`);
  const page = await open(url);
  await page.waitForSelector('tr[data-process="crash"] td.state.fatal', { timeout: 20_000 });
  // A fatal process says why, and offers a reset.
  await page.waitForSelector('tr[data-process="crash"] .why:text-matches("gave up")');
  assert.equal(await page.isVisible('tr[data-process="crash"] button:text("reset")'), true);
  await page.waitForSelector('tr[data-process="needs"] td.state:not(.waiting)', { timeout: 20_000 });
  await page.click('tr[data-process="needs"] button[data-action="restart"]');
  await page.waitForSelector('tr[data-process="needs"] .outcome.refused:text-matches("refused: .*crash is fatal.*PIT_E_PROCESS_DEPENDENCY")', { timeout: 20_000 });
  assert.equal(await page.isEnabled('tr[data-process="needs"] button[data-action="restart"]'), true, 'the button is not left stuck');
  assert.equal(await page.$$eval('tr[data-process="needs"] .outcome.done', (e) => e.length), 0, 'a refusal is not shown as done');
  await page.click('tr[data-process="idle"] button[data-action="restart"]');
  await page.waitForSelector('tr[data-process="idle"] .outcome.done:text-matches("restarted: running, pid \\\\d+")', { timeout: 20_000 });
});

test('a browser without the token gets a page saying how to open the dashboard; a script gets the JSON 401', { skip }, async () => {
  const { base } = await dashboard(`  idle: { command: ${idle} }\n`);
  const html = await request(`${base}/v1/processes`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  assert.equal(html.status, 401);
  assert.match(String(html.headers['content-type']), /^text\/html/);
  assert.match(html.body, /#token=/);
  assert.match(html.body, /\.pit\/dashboard\.token/);
  assert.doesNotMatch(html.body, /<script/, 'the page runs nothing');
  const api = await request(`${base}/v1/processes`, { headers: { accept: 'application/json' } });
  assert.equal(api.status, 401);
  assert.equal(JSON.parse(api.body).error.code, 'PIT_E_DASHBOARD_TOKEN');
  const bare = await request(`${base}/v1/processes`);
  assert.equal(JSON.parse(bare.body).error.code, 'PIT_E_DASHBOARD_TOKEN', 'no Accept: JSON');
  // In the browser itself, an API address typed in without the token.
  const page = await open(`${base}/v1/processes`);
  await page.waitForSelector("h1:text(\"This page needs the engine's token\")");
});
