// The real terrariumd for browser tests, as tests/support/TerrariumProcess does it for the C++
// tests: a private temporary directory (plugins, state, config, log), every listener on
// 127.0.0.1:0, the bound addresses read from <state>/listeners.json, ready once /ready answers 200.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { eventually } = require('./eventually');

const START_DEADLINE_MS = 30000;
const STOP_DEADLINE_MS = 20000;

class Terrariumd {
  /// Starts terrariumd with the given plugins ([{source, name}]) copied into its plugins
  /// directory and config (an object, written as config.json; "@DIR@" in strings becomes the
  /// temporary directory) and files ({name: content}, written into the temporary directory, e.g.
  /// a token file the config names). Resolves once it is ready; rejects with its log otherwise.
  static async start({ executable, plugins = [], config = {}, files = {} }) {
    const host = new Terrariumd(executable);
    try {
      host._prepare(plugins, config, files);
      host._spawn();
      await host._waitReady();
    } catch (error) {
      const log = host.log();
      await host.stop();
      error.message += '\n---- terrariumd log ----\n' + log.slice(-16384) + '\n---- end of log ----';
      throw error;
    }
    return host;
  }

  constructor(executable) {
    if (!executable || !fs.existsSync(executable)) throw new Error('terrariumd not found at "' + executable + '" (set TERRARIUMD)');
    this.executable = executable;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrarium-browser-'));
    this.pluginsDir = path.join(this.dir, 'plugins');
    this.stateDir = path.join(this.dir, 'state');
    this.logPath = path.join(this.dir, 'terrariumd.log');
    this.listeners = {};
    this.child = null;
    this.exit = null;
  }

  _prepare(plugins, config, files = {}) {
    fs.mkdirSync(this.pluginsDir);
    fs.mkdirSync(this.stateDir);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(this.dir, name), content, { mode: 0o600 });
    for (const { source, name } of plugins) {
      if (!source || !fs.existsSync(source)) throw new Error('plugin ' + name + ' not found at "' + source + '"');
      fs.copyFileSync(source, path.join(this.pluginsDir, name));
    }
    const text = JSON.stringify(config, null, 2).split('@DIR@').join(this.dir);
    fs.writeFileSync(path.join(this.dir, 'config.json'), text);
  }

  _spawn() {
    const env = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('TERRARIUM_')) env[name] = value;
    }
    const log = fs.openSync(this.logPath, 'a');
    this.child = spawn(this.executable, [
      '--plugins-dir', this.pluginsDir,
      '--state-dir', this.stateDir,
      '--listen', '127.0.0.1:0',
      '--admin-listen', '127.0.0.1:0',
      '--config', path.join(this.dir, 'config.json'),
    ], { stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }

  async _waitReady() {
    await eventually(async () => {
      if (this.exit) throw new Error('terrariumd exited (' + JSON.stringify(this.exit) + ') before it was ready');
      const listeners = this._readListeners();
      if (!listeners.main || !listeners.admin) return false;
      if (!this.token()) return false;
      try {
        const ready = await fetch('http://' + listeners.main + '/ready');
        if (ready.status !== 200) return false;
      } catch (error) {
        return false;
      }
      this.listeners = listeners;
      return true;
    }, { timeoutMs: START_DEADLINE_MS, what: 'terrariumd ready (listeners.json, admin token, /ready 200)' });
  }

  _readListeners() {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.stateDir, 'listeners.json'), 'utf8'));
    } catch (error) {
      return {};
    }
  }

  /// The admin token the host generated.
  token() {
    try {
      return fs.readFileSync(path.join(this.stateDir, 'admin.token'), 'utf8').trim();
    } catch (error) {
      return '';
    }
  }

  /// "http://<address of listener name><pathAndQuery>" ("main", "admin" or a listeners[] name).
  url(listener, pathAndQuery = '/') {
    const address = this.listeners[listener];
    if (!address) throw new Error('no listener "' + listener + '" in listeners.json: ' + JSON.stringify(this.listeners));
    return 'http://' + address + pathAndQuery;
  }

  /// A request to the url; resolves {status, text, json} (json null when the body is not JSON).
  async request(method, url, body, headers = {}) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch (error) {
      json = null;
    }
    return { status: response.status, text, json };
  }

  /// A call of the admin API with the host's token.
  admin(method, pathAndQuery, body) {
    return this.request(method, this.url('admin', pathAndQuery), body, { Authorization: 'Bearer ' + this.token() });
  }

  /// What terrariumd printed so far.
  log() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch (error) {
      return '';
    }
  }

  /// SIGTERM, then SIGKILL after 20 s; removes the temporary directory.
  async stop() {
    if (this.child && !this.exit) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_DEADLINE_MS);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { Terrariumd };
