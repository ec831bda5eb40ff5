// Debian's headless Chromium driven by playwright-core, in a fresh profile directory per run.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (error) {
    throw new Error('playwright-core is not installed in tests/browser/node_modules: run scripts/install-deps.sh ' +
      '(or "npm ci" in tests/browser) (' + error.message + ')');
  }
}

class Browser {
  /// Launches Chromium (CHROMIUM or /usr/bin/chromium) with a new --user-data-dir.
  static async launch() {
    const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
    if (!fs.existsSync(executablePath)) {
      throw new Error('Chromium not found at ' + executablePath + ': run scripts/install-deps.sh (Debian packages chromium, chromium-driver)');
    }
    const { chromium } = loadPlaywright();
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'terrarium-chromium-'));
    try {
      const context = await chromium.launchPersistentContext(profile, {
        executablePath,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: 1280, height: 760 },
        timeout: 60000,
      });
      context.setDefaultTimeout(20000);
      return new Browser(context, profile);
    } catch (error) {
      fs.rmSync(profile, { recursive: true, force: true });
      throw error;
    }
  }

  constructor(context, profile) {
    this.context = context;
    this.profile = profile;
  }

  /// A new tab; errors the page throws and console errors are collected in page.problems.
  async newPage() {
    const page = await this.context.newPage();
    page.problems = [];
    page.on('pageerror', (error) => page.problems.push('page error: ' + error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') page.problems.push('console error: ' + message.text());
    });
    return page;
  }

  async close() {
    await this.context.close().catch(() => {});
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

module.exports = { Browser, CHROMIUM_FLAGS };
