// logthon's web UI in a real headless Chromium against the real terrariumd with logthon.so and
// file-storage.so: at the root of logthon's own listener and behind the gateway prefix
// /api/logs/; live entries, filters, search, pause, the files tab, escaping, a hot reload.
// Run by ctest (tests/browser/CMakeLists.txt), one test name pattern per ctest entry.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');

const { Browser } = require('./support/Browser');
const { Terrariumd } = require('./support/Terrariumd');
const { eventually } = require('./support/eventually');
const { pageRunner } = require('./support/withPage');

const ARTIFACTS = process.env.TERRARIUM_BROWSER_ARTIFACTS || path.join(__dirname, 'artifacts');

const ENTRY = '[data-testid="log-entry"]';
const VISIBLE_MESSAGES = '[data-testid="log-entry"]:not([hidden]) [data-testid="log-message"]';

function hostConfig() {
  return {
    watch: { enabled: false },
    log: { logthon: { enabled: false } },   // only the entries a test posts, none of the host's own
    routes: [
      { prefix: '/api/logs', plugin: 'logthon' },
      { prefix: '/api/logthon', plugin: 'logthon' },
      { prefix: '/api/storage', plugin: 'file-storage' },
    ],
    listeners: [{ name: 'logthon', listen: '127.0.0.1:0', plugin: 'logthon' }],
    plugins: {
      'file-storage': { config: { path: '@DIR@/files', max_files: 50 } },
    },
  };
}

let host;
let browser;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await Terrariumd.start({
    executable: process.env.TERRARIUMD,
    plugins: [
      { source: process.env.LOGTHON_PLUGIN, name: 'logthon.so' },
      { source: process.env.FILE_STORAGE_PLUGIN, name: 'file-storage.so' },
    ],
    config: hostConfig(),
  });
  browser = await Browser.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (host) await host.stop();
});

const withPage = pageRunner(() => ({ browser, host }), ARTIFACTS, 'failed-');

/// Posts a log entry through logthon's API on its own listener.
async function postLog(entry, url = host.url('logthon', '/logs')) {
  const answer = await host.request('POST', url, entry);
  assert.equal(answer.status, 200, 'POST ' + url + ': ' + answer.text);
  return answer;
}

async function openLive(page, url) {
  await page.goto(url);
  await page.locator('[data-testid="status"][data-state="live"]').waitFor();
}

/// Waits until an entry whose message is exactly text is shown; returns its locator.
async function entryShown(page, text) {
  const entry = page.locator(ENTRY).filter({ has: page.locator('[data-testid="log-message"]', { hasText: text }) });
  await entry.first().waitFor({ state: 'visible' });
  return entry;
}

function visibleMessages(page) {
  return page.locator(VISIBLE_MESSAGES).allTextContents();
}

async function waitForVisibleMessages(page, predicate, what) {
  let last = [];
  try {
    await eventually(async () => predicate((last = await visibleMessages(page))), { what });
  } catch (error) {
    error.message += '\nvisible messages: ' + JSON.stringify(last);
    throw error;
  }
  return last;
}

describe('browser: logthon ui', () => {
  test('at the root of logthon\'s listener: new entries appear live, filters, search, pause and counts', async () => {
    await withPage('root', async (page) => {
      const tag = 'root-' + Date.now();
      await postLog({ service: 'billing', level: 'INFO', message: tag + ' replayed before the page opened' });
      await openLive(page, host.url('logthon', '/'));
      await entryShown(page, tag + ' replayed before the page opened');

      await postLog({ service: 'billing', level: 'ERROR', message: tag + ' card declined', metadata: { order: 17 } });
      await postLog({ service: 'shipping', level: 'INFO', message: tag + ' parcel sent' });
      await postLog({ service: 'shipping', level: 'WARNING', message: tag + ' parcel late' });
      const declined = await entryShown(page, tag + ' card declined');
      assert.equal(await declined.getAttribute('data-level'), 'ERROR');
      assert.equal(await declined.getAttribute('data-service'), 'billing');
      assert.match(await declined.textContent(), /"order":17/);
      await entryShown(page, tag + ' parcel late');
      assert.equal(await page.locator('[data-testid="count-total"]').textContent(), '4');

      await page.selectOption('[data-testid="filter-service"]', 'shipping');
      let shown = await waitForVisibleMessages(page, (m) => m.length === 2, 'two shipping entries');
      assert.deepEqual(shown, [tag + ' parcel sent', tag + ' parcel late']);
      assert.equal(await page.locator('[data-testid="count-shown"]').textContent(), '2');

      await page.selectOption('[data-testid="filter-level"]', 'WARNING');
      shown = await waitForVisibleMessages(page, (m) => m.length === 1, 'one shipping warning');
      assert.deepEqual(shown, [tag + ' parcel late']);

      await page.selectOption('[data-testid="filter-service"]', '');
      await page.selectOption('[data-testid="filter-level"]', '');
      await page.fill('[data-testid="search"]', 'DECLINED');
      shown = await waitForVisibleMessages(page, (m) => m.length === 1, 'the search hit');
      assert.deepEqual(shown, [tag + ' card declined']);
      await page.fill('[data-testid="search"]', '"order":17');
      shown = await waitForVisibleMessages(page, (m) => m.length === 1, 'the metadata search hit');
      assert.deepEqual(shown, [tag + ' card declined']);
      await page.fill('[data-testid="search"]', '');
      await waitForVisibleMessages(page, (m) => m.length === 4, 'all four entries again');

      await page.click('[data-testid="pause"]');
      assert.equal(await page.locator('[data-testid="pause"]').getAttribute('aria-pressed'), 'true');
      await postLog({ service: 'billing', level: 'DEBUG', message: tag + ' arrived while paused' });
      await postLog({ service: 'billing', level: 'INFO', message: tag + ' also while paused' });
      await page.locator('[data-testid="pending-count"]', { hasText: /^2$/ }).waitFor();
      assert.equal(await page.locator(ENTRY).count(), 4, 'paused: new entries are counted, not shown');
      await page.click('[data-testid="pause"]');
      shown = await waitForVisibleMessages(page, (m) => m.length === 6, 'the held entries after resume');
      assert.deepEqual(shown.slice(4), [tag + ' arrived while paused', tag + ' also while paused']);
      assert.equal(await page.locator('[data-testid="pending"]').isHidden(), true);
      assert.equal(await page.locator('[data-testid="count-total"]').textContent(), '6');

      await page.screenshot({ path: path.join(ARTIFACTS, 'logthon-ui.png') });
    });
  });

  test('behind the gateway prefix /api/logs/: the page, its script and its WebSocket use relative URLs', async () => {
    await withPage('prefix', async (page) => {
      const tag = 'prefix-' + Date.now();
      const sockets = [];
      page.on('websocket', (socket) => sockets.push(socket.url()));
      await openLive(page, host.url('main', '/api/logs/'));
      assert.deepEqual(sockets, ['ws://' + host.listeners.main + '/api/logs/ws']);

      await postLog({ service: 'gateway', level: 'INFO', message: tag + ' posted to /api/logs' }, host.url('main', '/api/logs'));
      await entryShown(page, tag + ' posted to /api/logs');
      await postLog({ service: 'gateway', level: 'INFO', message: tag + ' posted to /api/logthon/logs' }, host.url('main', '/api/logthon/logs'));
      await entryShown(page, tag + ' posted to /api/logthon/logs');

      await page.goto(host.url('main', '/api/logs'));
      await page.waitForURL(host.url('main', '/api/logs/'));
      await page.locator('[data-testid="status"][data-state="live"]').waitFor();
      await entryShown(page, tag + ' posted to /api/logs');
    });
  });

  test('log text is shown as text: markup, scripts and quotes in entries never run', async () => {
    await withPage('escaping', async (page) => {
      await openLive(page, host.url('main', '/api/logs/'));
      const message = '<img src=x onerror="window.__logthonXss=1"><script>window.__logthonXss=2</script> "double" \'single\' &amp; </li>';
      const service = '<b onmouseover="window.__logthonXss=3">svc</b>';
      await postLog({ service, level: 'ERROR', message, metadata: { note: '<svg onload="window.__logthonXss=4">' } });
      const entry = await entryShown(page, '"double" \'single\' &amp;');
      assert.equal(await entry.locator('[data-testid="log-message"]').textContent(), message);
      assert.equal(await entry.getAttribute('data-service'), service);
      assert.match(await entry.textContent(), /<svg onload=/);
      assert.equal(await page.locator('[data-testid="log-list"] :is(img, script, b, svg)').count(), 0);
      await page.selectOption('[data-testid="filter-service"]', service);
      await waitForVisibleMessages(page, (m) => m.length === 1 && m[0] === message, 'the entry under its own service filter');
      assert.equal(await page.evaluate(() => window.__logthonXss), undefined);
    });
  });

  test('files tab: lists file-storage\'s files, shows one as text, deletes one, clears all', async () => {
    await withPage('files', async (page) => {
      const storage = (p) => host.url('main', '/api/storage' + p);
      const created = [];
      for (const [prefix, content] of [['notes', 'first line\nsecond line'], ['markup', '<img src=x onerror="window.__logthonXss=5"> & "quotes"'], ['spare', 'spare']]) {
        const answer = await host.request('PUT', storage('/files'), { content, filename_prefix: prefix });
        assert.equal(answer.status, 200, answer.text);
        created.push({ name: answer.json.filename, content });
      }
      const [notes, markup, spare] = created;

      await openLive(page, host.url('main', '/api/logs/'));
      await page.click('[data-testid="tab-files"]');
      assert.equal(await page.locator('[data-testid="tab-files"]').getAttribute('aria-selected'), 'true');
      const row = (name) => page.locator('[data-testid="file-row"]').filter({ has: page.locator('.file-name', { hasText: name }) });
      for (const file of created) await row(file.name).waitFor();
      assert.equal(await page.locator('[data-testid="file-row"]').count(), 3);

      await row(notes.name).locator('[data-testid="file-view"]').click();
      await page.locator('[data-testid="file-viewer-name"]', { hasText: notes.name }).waitFor();
      assert.equal(await page.locator('[data-testid="file-content"]').textContent(), notes.content);

      await row(markup.name).locator('[data-testid="file-view"]').click();
      await page.locator('[data-testid="file-viewer-name"]', { hasText: markup.name }).waitFor();
      assert.equal(await page.locator('[data-testid="file-content"]').textContent(), markup.content);
      assert.equal(await page.locator('[data-testid="file-content"] img').count(), 0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'logthon-files.png') });

      const remove = row(markup.name).locator('[data-testid="file-delete"]');
      await remove.click();
      assert.equal(await remove.getAttribute('data-armed'), 'true');
      assert.equal((await host.request('GET', storage('/files/' + markup.name))).status, 200, 'a first click only arms the button');
      await remove.click();
      await row(markup.name).waitFor({ state: 'detached' });
      assert.equal(await page.locator('[data-testid="file-viewer"]').isHidden(), true);
      assert.equal((await host.request('GET', storage('/files/' + markup.name))).status, 404);
      assert.equal(await page.locator('[data-testid="file-row"]').count(), 2);

      await page.click('[data-testid="files-clear"]');
      await page.click('[data-testid="files-clear-cancel"]');
      assert.equal((await host.request('GET', storage('/files'))).json.count, 2, 'cancel keeps the files');
      await page.click('[data-testid="files-clear"]');
      await page.click('[data-testid="files-clear-confirm"]');
      await page.locator('[data-testid="files-empty"]').waitFor();
      assert.equal(await page.locator('[data-testid="file-row"]').count(), 0);
      assert.equal((await host.request('GET', storage('/files'))).json.count, 0);
      assert.equal((await host.request('GET', storage('/files/' + spare.name))).status, 404);
      assert.equal(await page.evaluate(() => window.__logthonXss), undefined);
    });
  });

  test('a reload of logthon while the page is open: the page reconnects and shows new entries once', async () => {
    await withPage('reload', async (page) => {
      const tag = 'reload-' + Date.now();
      const sockets = [];
      page.on('websocket', (socket) => sockets.push(socket));
      await openLive(page, host.url('main', '/api/logs/'));
      await postLog({ service: 'reload', level: 'INFO', message: tag + ' before the reload' });
      await entryShown(page, tag + ' before the reload');

      const before = (await host.admin('GET', '/admin/plugins/logthon')).json.generation;
      const reload = await host.admin('POST', '/admin/plugins/logthon/reload');
      assert.equal(reload.status, 200, reload.text);
      assert.equal((await host.admin('GET', '/admin/plugins/logthon')).json.generation, before + 1);
      await eventually(() => sockets.length >= 2, { what: 'a second WebSocket after the reload' });
      assert.equal(sockets[0].isClosed(), true);
      await page.locator('[data-testid="status"][data-state="live"]').waitFor();

      await postLog({ service: 'reload', level: 'INFO', message: tag + ' after the reload' });
      await entryShown(page, tag + ' after the reload');
      const mine = (await visibleMessages(page)).filter((m) => m.startsWith(tag));
      assert.deepEqual(mine, [tag + ' before the reload', tag + ' after the reload'], 'each entry shown once');
    });
  });

  test('at logthon\'s connection limit (1013): the page says the server is busy and gets in once there is room', async () => {
    await withPage('busy', async (page) => {
      const tag = 'busy-' + Date.now();
      await openLive(page, host.url('main', '/api/logs/'));
      const full = await host.admin('POST', '/admin/plugins/logthon/reload', { config: { max_ws_connections: 0 } });
      assert.equal(full.status, 200, full.text);
      await page.locator('[data-testid="status"][data-state="reconnecting"]', { hasText: 'server busy' }).waitFor();

      const room = await host.admin('POST', '/admin/plugins/logthon/reload', { config: null });
      assert.equal(room.status, 200, room.text);
      await page.locator('[data-testid="status"][data-state="live"]').waitFor({ timeout: 30000 });
      await postLog({ service: 'busy', level: 'INFO', message: tag + ' once let in' });
      await entryShown(page, tag + ' once let in');
    });
  });
});
