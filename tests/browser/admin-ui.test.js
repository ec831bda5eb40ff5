// The admin dashboard (/admin/ui/ on the admin listener) in a real headless Chromium against the
// real terrariumd with echo.so and file-storage.so: signing in, the plugin table, a reload and an
// unload with confirmation, live request figures, log levels, the service directory, escaping,
// a wrong token, the token kept in session storage and never in a URL, and a page of another
// origin refused. Run by ctest (tests/browser/CMakeLists.txt), one test name pattern per entry.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');

const { Browser } = require('./support/Browser');
const { Terrariumd } = require('./support/Terrariumd');
const { eventually } = require('./support/eventually');
const { pageRunner } = require('./support/withPage');

const ARTIFACTS = process.env.TERRARIUM_BROWSER_ARTIFACTS || path.join(__dirname, 'artifacts');
const MARKUP_ROUTE = '/x<b>bold</b>';   // a route prefix may hold no space: no attributes here
const READ_ONLY_TOKEN = 'read-only-dashboard-token-0123456789';

let host;
let browser;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await Terrariumd.start({
    executable: process.env.TERRARIUMD,
    plugins: [
      { source: process.env.ECHO_PLUGIN, name: 'echo.so' },
      { source: process.env.FILE_STORAGE_PLUGIN, name: 'file-storage.so' },
    ],
    config: {
      watch: { enabled: false },
      log: { logthon: { enabled: false } },
      routes: [{ prefix: MARKUP_ROUTE, plugin: 'echo' }],
      plugins: { 'file-storage': { config: { path: '@DIR@/files', max_files: 50 } } },
      admin: { read_only_token_file: '@DIR@/read-only.token' },
    },
    files: { 'read-only.token': READ_ONLY_TOKEN + '\n' },
  });
  browser = await Browser.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (host) await host.stop();
});

const withPage = pageRunner(() => ({ browser, host }), ARTIFACTS, 'failed-admin-');

function pluginRow(page, name) {
  return page.locator('[data-testid="plugin-row"][data-plugin="' + name + '"]');
}

async function signIn(page, token = host.token()) {
  await page.goto(host.url('admin', '/admin/ui/'));
  await page.locator('[data-testid="login"]').waitFor({ state: 'visible' });
  await page.fill('[data-testid="token-input"]', token);
  await page.click('[data-testid="sign-in"]');
}

async function signedIn(page) {
  await signIn(page);
  await page.locator('[data-testid="status"][data-state="live"]').waitFor();
  await pluginRow(page, 'echo').waitFor();
}

/// Asserts that neither the page's address nor any entry of the tab's history holds the token.
async function assertTokenNotInUrls(page) {
  const token = host.token();
  assert.ok(!page.url().includes(token), 'the token is in the page address ' + page.url());
  const cdp = await page.context().newCDPSession(page);
  const { entries } = await cdp.send('Page.getNavigationHistory');
  await cdp.detach();
  assert.ok(entries.length > 0);
  for (const entry of entries) assert.ok(!entry.url.includes(token), 'the token is in the history entry ' + entry.url);
}

async function cellText(row, key) {
  return (await row.locator('[data-testid="plugin-' + key + '"]').textContent()).trim();
}

describe('browser: admin dashboard', () => {
  test('sign in: plugins with version, ABI, generation and routes; reload with confirmation changes the generation', async () => {
    await withPage('reload', async (page) => {
      await signedIn(page);
      const described = (await host.admin('GET', '/admin/plugins/echo')).json;
      const echo = pluginRow(page, 'echo');
      assert.equal(await cellText(echo, 'name'), 'echo');
      assert.equal(await cellText(echo, 'version'), described.version);
      assert.equal(await cellText(echo, 'abi'), described.abi);
      assert.equal(await cellText(echo, 'generation'), '1');
      assert.equal(await cellText(echo, 'state'), 'serving');
      assert.match(await cellText(echo, 'routes'), /main: \/echo/);
      await pluginRow(page, 'file-storage').waitFor();
      assert.equal(await page.locator('[data-testid="login"]').isHidden(), true);
      await assertTokenNotInUrls(page);

      // Reload asks for a confirmation first: nothing happens before it.
      await echo.locator('[data-testid="reload"]').click();
      await echo.locator('[data-testid="confirm-question"]', { hasText: 'Reload echo?' }).waitFor();
      assert.equal((await host.admin('GET', '/admin/plugins/echo')).json.generation, 1);
      await echo.locator('[data-testid="cancel"]').click();
      await echo.locator('[data-testid="reload"]').waitFor({ state: 'visible' });
      assert.equal((await host.admin('GET', '/admin/plugins/echo')).json.generation, 1);

      await echo.locator('[data-testid="reload"]').click();
      await echo.locator('[data-testid="confirm"]').click();
      await echo.locator('[data-testid="plugin-generation"]', { hasText: /^2$/ }).waitFor();
      assert.equal((await host.admin('GET', '/admin/plugins/echo')).json.generation, 2);
      await page.locator('[data-testid="notice"]', { hasText: 'Reloaded echo: generation 1 → 2.' }).waitFor();
      const reloadEvent = page.locator('[data-testid="event-row"][data-action="reload"][data-plugin="echo"]');
      await reloadEvent.first().waitFor();
      assert.equal((await reloadEvent.first().locator('[data-testid="event-generation"]').textContent()).trim(), '1 → 2');

      // Live figures from /metrics: requests to echo show up as a rate and a latency.
      await eventually(async () => {
        for (let i = 0; i < 5; i++) await host.request('GET', host.url('main', '/echo/dashboard'));
        const rate = Number.parseFloat(await cellText(echo, 'rate'));
        return rate > 0 && /ms|s$/.test(await cellText(echo, 'latency'));
      }, { what: 'a request rate and latency for echo', timeoutMs: 30000, intervalMs: 200 });

      // Unload, also confirmed; file-storage stays.
      await echo.locator('[data-testid="unload"]').click();
      await echo.locator('[data-testid="confirm-question"]', { hasText: 'Unload echo?' }).waitFor();
      await echo.locator('[data-testid="confirm"]').click();
      await echo.waitFor({ state: 'detached' });
      assert.equal((await host.admin('GET', '/admin/plugins/echo')).status, 404);
      await pluginRow(page, 'file-storage').waitFor();
      await page.locator('[data-testid="event-row"][data-action="unload"][data-plugin="echo"]').waitFor();
      assert.equal((await host.admin('POST', '/admin/plugins', { file: 'echo.so' })).status, 201);
      await pluginRow(page, 'echo').waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-ui.png'), fullPage: true });
    });
  });

  test('log levels: a change with confirmation, seen through the API', async () => {
    await withPage('log-levels', async (page) => {
      await signedIn(page);
      await page.selectOption('[data-testid="level-service"]', 'echo');
      await page.selectOption('[data-testid="level-value"]', 'debug');
      await page.click('[data-testid="level-set"]');
      await page.locator('[data-testid="level-question"]', { hasText: 'Set echo to debug?' }).waitFor();
      assert.equal((await host.admin('GET', '/admin/log-levels')).json.services.echo, undefined);
      await page.click('[data-testid="level-confirm"]');
      await eventually(async () => (await host.admin('GET', '/admin/log-levels')).json.services.echo === 'debug',
        { what: 'echo at debug through the API' });
      const row = page.locator('[data-testid="level-row"][data-service="echo"]');
      await row.locator('[data-testid="level"]', { hasText: 'debug' }).waitFor();

      await page.selectOption('[data-testid="level-service"]', { label: '(default level)' });
      await page.selectOption('[data-testid="level-value"]', 'warn');
      await page.click('[data-testid="level-set"]');
      await page.click('[data-testid="level-confirm"]');
      await eventually(async () => (await host.admin('GET', '/admin/log-levels')).json.default === 'warn',
        { what: 'the default level at warn' });
      await page.locator('[data-testid="level-row"][data-service=""] [data-testid="level"]', { hasText: 'warn' }).waitFor();
      assert.equal((await host.admin('POST', '/admin/log-levels', { default: 'info' })).status, 200);
      assert.equal((await host.admin('POST', '/admin/log-levels', { service: 'echo', level: null })).status, 200);
    });
  });

  test('service directory and values with markup are shown as text', async () => {
    await withPage('escaping', async (page) => {
      const service = 'svc<img src=x id="service-markup">';
      const url = 'http://127.0.0.1:9/base<b>x</b>';   // a base URL may hold no space: no attributes here
      const levelService = '<script>window.__adminXss=1</script><b id="level-markup">b</b>';
      const setUrl = await host.admin('POST', '/admin/services/' + encodeURIComponent(service), { url });
      assert.equal(setUrl.status, 200, setUrl.text);
      assert.equal((await host.admin('POST', '/admin/services/file-storage', { url: 'http://127.0.0.1:9000' })).status, 200);
      assert.equal((await host.admin('POST', '/admin/log-levels', { service: levelService, level: 'error' })).status, 200);
      await signedIn(page);

      const rows = page.locator('[data-testid="service-row"]');
      await rows.filter({ hasText: 'file-storage' }).locator('[data-testid="service-url"]', { hasText: 'http://127.0.0.1:9000' }).waitFor();
      const markupRow = rows.filter({ has: page.locator('[data-testid="service-name"]', { hasText: service }) });
      await markupRow.waitFor();
      assert.equal(await markupRow.locator('[data-testid="service-name"]').textContent(), service);
      assert.equal(await markupRow.locator('[data-testid="service-url"]').textContent(), url);
      assert.equal(await page.locator('[data-testid="services"] :is(b, img)').count(), 0, 'an element was created from the directory');
      await page.locator('[data-testid="level-row"]').filter({ hasText: levelService }).waitFor();
      assert.match(await cellText(pluginRow(page, 'echo'), 'routes'), /main: \/x<b>bold<\/b>/);
      assert.equal(await page.locator('[data-testid="plugins"] b').count(), 0, 'a <b> element was created from a route');

      for (const id of ['service-markup', 'level-markup']) {
        assert.equal(await page.locator('#' + id).count(), 0, 'an element #' + id + ' was created from data');
      }
      assert.equal(await page.evaluate(() => window.__adminXss), undefined);
      await host.admin('DELETE', '/admin/services/' + encodeURIComponent(service));
      await host.admin('DELETE', '/admin/services/file-storage');
      await host.admin('POST', '/admin/log-levels', { service: levelService, level: null });
    });
  });

  test('a wrong token shows a clear error and is not kept', async () => {
    await withPage('wrong-token', async (page) => {
      await signIn(page, 'not-the-token');
      const error = page.locator('[data-testid="login-error"]');
      await error.waitFor({ state: 'visible' });
      assert.match(await error.textContent(), /refused this token \(403 forbidden: the bearer token is not valid for this host\)/);
      assert.equal(await page.locator('[data-testid="dashboard"]').isHidden(), true);
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      assert.ok(!page.url().includes('not-the-token'));

      // A kept token that the host refuses (e.g. after the token file changed) signs the page
      // out with the answer, after one failed check (not one per call of a refresh).
      const failures = async () => {
        const page = (await host.request('GET', host.url('admin', '/metrics'))).text;
        return Number(/^terrarium_admin_auth_failures_total (\d+)/m.exec(page)[1]);
      };
      const before = await failures();
      await page.evaluate(() => sessionStorage.setItem('terrarium.admin.token', 'an-old-token'));
      await page.reload();
      await error.waitFor({ state: 'visible' });
      assert.match(await error.textContent(), /refused the token \(403 forbidden: .*\)\. Sign in again\./);
      assert.equal(await page.locator('[data-testid="dashboard"]').isHidden(), true);
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      assert.equal(await failures(), before + 1);
    }, /Failed to load resource: the server responded with a status of 403/);
  });

  test('read-only token: everything is shown, actions are refused with the answer, the page stays signed in', async () => {
    await withPage('read-only', async (page) => {
      await signIn(page, READ_ONLY_TOKEN);
      await page.locator('[data-testid="status"][data-state="live"]').waitFor();
      const echo = pluginRow(page, 'echo');
      await echo.waitFor();
      const generation = (await host.admin('GET', '/admin/plugins/echo')).json.generation;
      await echo.locator('[data-testid="reload"]').click();
      await echo.locator('[data-testid="confirm"]').click();
      const notice = page.locator('[data-testid="notice"][data-kind="error"]');
      await notice.waitFor();
      assert.match(await notice.textContent(), /^Reload of echo refused: 403 read_only: /);
      assert.equal((await host.admin('GET', '/admin/plugins/echo')).json.generation, generation);
      await echo.locator('[data-testid="reload"]').waitFor({ state: 'visible' });
      await page.locator('[data-testid="status"][data-state="live"]').waitFor();
      assert.equal(await page.locator('[data-testid="dashboard"]').isVisible(), true);
    }, /Failed to load resource: the server responded with a status of 403/);
  });

  test('the token is kept in session storage across a reload of the page, never in a URL', async () => {
    await withPage('session', async (page) => {
      await signedIn(page);
      const stored = await page.evaluate(() => Object.values(sessionStorage));
      assert.ok(stored.includes(host.token()), 'the token is in session storage');
      assert.equal(await page.evaluate(() => document.cookie), '');
      assert.equal(await page.locator('[data-testid="token-input"]').inputValue(), '');

      await page.reload();
      await page.locator('[data-testid="status"][data-state="live"]').waitFor();
      await pluginRow(page, 'echo').waitFor();
      assert.equal(await page.locator('[data-testid="login"]').isHidden(), true);
      await page.goto(host.url('admin', '/admin/ui'));
      await page.waitForURL(host.url('admin', '/admin/ui/'));
      await pluginRow(page, 'echo').waitFor();
      await assertTokenNotInUrls(page);

      await page.click('[data-testid="sign-out"]');
      await page.locator('[data-testid="login"]').waitFor({ state: 'visible' });
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    });
  });

  test('refresh: polls at the chosen interval, pauses while the tab is hidden and when paused', async () => {
    await withPage('refresh', async (page) => {
      await page.clock.install();
      await signedIn(page);
      const polls = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/admin/plugins') polls.push(request.url());
      });
      /// Advances the page's timers by ms and returns the polls made meanwhile (a round trip to
      /// the page after the timers ran lets their requests be reported first).
      const pollsDuring = async (ms) => {
        const before = polls.length;
        await page.clock.runFor(ms);
        await page.evaluate(() => 0);
        return polls.length - before;
      };
      /// A refresh already running when polling pauses still completes (its calls are not
      /// polls made while paused): waits until none runs.
      const refreshDone = () => page.locator('[data-testid="status"][data-busy="false"]').waitFor();
      const setHidden = (hidden) => page.evaluate((value) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);

      await eventually(async () => (await pollsDuring(2100)) > 0, { what: 'a poll after 2 s' });

      await setHidden(true);
      await page.locator('[data-testid="status"][data-state="paused"]').waitFor();
      await refreshDone();
      assert.equal(await pollsDuring(20000), 0, 'polls while the tab is hidden');
      const beforeVisible = polls.length;
      await setHidden(false);
      await eventually(() => polls.length > beforeVisible, { what: 'a poll as soon as the tab is visible again' });
      await page.locator('[data-testid="status"][data-state="live"]').waitFor();

      await page.selectOption('[data-testid="refresh"]', '0');
      await page.locator('[data-testid="status"][data-state="paused"]').waitFor();
      await refreshDone();
      assert.equal(await pollsDuring(20000), 0, 'polls while refreshing is paused');
      await page.selectOption('[data-testid="refresh"]', '5000');
      await page.locator('[data-testid="status"][data-state="live"]').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('terrarium.admin.refresh_ms')), '5000');
      await eventually(async () => (await pollsDuring(5100)) > 0, { what: 'a poll after 5 s' });
    });
  });

  test('behind a path prefix: a reverse proxy serves the admin listener under /ops/ and every call of the page stays under it', async () => {
    const admin = new URL(host.url('admin', '/'));
    const proxy = http.createServer((request, response) => {
      if (!request.url.startsWith('/ops/')) {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end('outside /ops/');
        return;
      }
      const upstream = http.request({
        host: admin.hostname, port: admin.port, method: request.method, path: request.url.slice(4),
        headers: { ...request.headers, host: admin.host },
      }, (answer) => {
        response.writeHead(answer.statusCode, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    });
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const base = 'http://127.0.0.1:' + proxy.address().port;
    try {
      await withPage('prefix', async (page) => {
        const paths = [];
        page.on('request', (request) => paths.push(new URL(request.url()).pathname));
        await page.goto(base + '/ops/admin/ui');
        await page.waitForURL(base + '/ops/admin/ui/');
        await page.fill('[data-testid="token-input"]', host.token());
        await page.click('[data-testid="sign-in"]');
        await page.locator('[data-testid="status"][data-state="live"]').waitFor();
        const echo = pluginRow(page, 'echo');
        await echo.waitFor();
        const generation = Number(await cellText(echo, 'generation'));
        await echo.locator('[data-testid="reload"]').click();
        await echo.locator('[data-testid="confirm"]').click();
        await echo.locator('[data-testid="plugin-generation"]', { hasText: new RegExp('^' + (generation + 1) + '$') }).waitFor();
        for (const wanted of ['/ops/admin/plugins', '/ops/admin/events', '/ops/metrics', '/ops/admin/plugins/echo/reload']) {
          assert.ok(paths.includes(wanted), wanted + ' was not requested: ' + JSON.stringify([...new Set(paths)]));
        }
        const outside = paths.filter((p) => !p.startsWith('/ops/'));
        assert.deepEqual(outside, [], 'requests outside the prefix');
      });
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  test('a page of another origin cannot drive the admin API, even with the token', async () => {
    const server = http.createServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>elsewhere</title><p>another site</p>');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.2', resolve));
    const foreign = 'http://127.0.0.2:' + server.address().port;
    try {
      await withPage('foreign-origin', async (page) => {
        const generation = (await host.admin('GET', '/admin/plugins/echo')).json.generation;
        await page.goto(foreign + '/');
        const outcome = await page.evaluate(async ({ url, token }) => {
          const results = {};
          try {
            const answer = await fetch(url + '/admin/plugins/echo/reload', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
            results.withToken = 'answered ' + answer.status;
          } catch (error) {
            results.withToken = 'refused';
          }
          try {
            const answer = await fetch(url + '/admin/plugins', { headers: { Authorization: 'Bearer ' + token } });
            results.read = 'answered ' + answer.status;
          } catch (error) {
            results.read = 'refused';
          }
          const simple = await fetch(url + '/admin/plugins/echo/reload', { method: 'POST', mode: 'no-cors', body: '{}' });
          results.simple = simple.type;
          return results;
        }, { url: host.url('admin', ''), token: host.token() });
        assert.deepEqual(outcome, { withToken: 'refused', read: 'refused', simple: 'opaque' });
        await eventually(() => host.log().includes("foreign Origin '" + foreign + "'"), { what: 'the host\'s log of the foreign origin' });
        assert.equal((await host.admin('GET', '/admin/plugins/echo')).json.generation, generation);
      }, /(blocked by CORS policy|Failed to load resource)/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
