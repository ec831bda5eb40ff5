// Terrarium admin dashboard. Served by terrariumd at /admin/ui/ (host/admin/AdminUi.cpp); every
// data call goes to the admin API by a URL relative to the page (../plugins is /admin/plugins,
// ../../metrics is /metrics), so the page also works behind a path prefix. The token is kept in
// sessionStorage and sent as "Authorization: Bearer"; it never goes into a URL. Values are put
// into the page with textContent only, never as markup.
'use strict';

(() => {
  const TOKEN_KEY = 'terrarium.admin.token';
  const REFRESH_KEY = 'terrarium.admin.refresh_ms';
  const API = {
    status: '../status',
    plugins: '../plugins',
    events: '../events',
    services: '../services',
    levels: '../log-levels',
    metrics: '../../metrics',
  };

  const $ = (id) => document.getElementById(id);

  /// An element with properties (textContent, className, dataset, hidden, type, title…) and children.
  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'dataset') Object.assign(node.dataset, value);
      else node[key] = value;
    }
    for (const child of children) node.appendChild(child);
    return node;
  }

  function setText(node, text) {
    const value = text === undefined || text === null ? '' : String(text);
    if (node.textContent !== value) node.textContent = value;
  }

  // ---- the admin API ---------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }

    /// "403 forbidden: the bearer token is not valid for this host"
    describe() {
      return (this.status ? this.status + ' ' : '') + this.code + ': ' + this.message;
    }

    /// True when the token itself was refused (not a refusal of one call).
    get tokenRefused() {
      return this.code === 'unauthorized' || this.code === 'forbidden';
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  async function call(method, url, body, bearer = token()) {
    const headers = { Authorization: 'Bearer ' + bearer };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new ApiError(0, 'unreachable', 'the host did not answer (' + error.message + ')');
    }
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch (error) {
      json = null;
    }
    if (!response.ok) {
      const code = json && typeof json.error === 'string' ? json.error : 'http_' + response.status;
      const message = json && typeof json.message === 'string' ? json.message : text.slice(0, 300);
      const refusal = new ApiError(response.status, code, message);
      const retry = response.headers.get('Retry-After');
      if (retry) refusal.retryAfter = retry;
      throw refusal;
    }
    return json;
  }

  /// The answer of a call whose resource may be missing on this host (null then).
  async function optional(promise) {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  async function metricsText() {
    try {
      const response = await fetch(API.metrics, { cache: 'no-store', credentials: 'omit', redirect: 'error' });
      return response.ok ? await response.text() : '';
    } catch (error) {
      return '';
    }
  }

  // ---- Prometheus text -> per-plugin figures --------------------------------------------

  /// The labels of a sample ('a="x",b="y\\"z"') as an object.
  function parseLabels(text) {
    const labels = {};
    let i = 0;
    while (i < text.length) {
      const equals = text.indexOf('=', i);
      if (equals < 0 || text[equals + 1] !== '"') break;
      const key = text.slice(i, equals).trim();
      let value = '';
      i = equals + 2;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text[i + 1] === 'n' ? '\n' : text[i + 1];
          i += 2;
        } else {
          value += text[i++];
        }
      }
      labels[key] = value;
      i++;
      while (i < text.length && (text[i] === ',' || text[i] === ' ')) i++;
    }
    return labels;
  }

  /// Per plugin: requests and 5xx answers (terrarium_requests_total), and the latency histogram
  /// (terrarium_request_duration_seconds), summed over listeners and routes.
  function parseMetrics(text) {
    const plugins = new Map();
    const figures = (name) => {
      if (!plugins.has(name)) plugins.set(name, { requests: 0, errors: 0, sum: 0, count: 0, buckets: new Map() });
      return plugins.get(name);
    };
    for (const line of text.split('\n')) {
      if (!line.startsWith('terrarium_request')) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) continue;
      const [, name, labelText, valueText] = match;
      const value = Number(valueText);
      if (!Number.isFinite(value)) continue;
      const labels = parseLabels(labelText || '');
      if (!labels.plugin) continue;
      if (name === 'terrarium_requests_total') {
        const f = figures(labels.plugin);
        f.requests += value;
        if (labels.code === '5xx') f.errors += value;
      } else if (name === 'terrarium_request_duration_seconds_sum') {
        figures(labels.plugin).sum += value;
      } else if (name === 'terrarium_request_duration_seconds_count') {
        figures(labels.plugin).count += value;
      } else if (name === 'terrarium_request_duration_seconds_bucket') {
        const buckets = figures(labels.plugin).buckets;
        const bound = labels.le === '+Inf' ? Infinity : Number(labels.le);
        buckets.set(bound, (buckets.get(bound) || 0) + value);
      }
    }
    return plugins;
  }

  /// Rates between two samples of parseMetrics(): requests/s, 5xx/s, mean and p95 latency (s).
  function rates(previous, current, seconds) {
    if (!previous || !current || seconds <= 0) return null;
    const delta = (a, b) => (b >= a ? b - a : null);
    const requests = delta(previous.requests, current.requests);
    const errors = delta(previous.errors, current.errors);
    const count = delta(previous.count, current.count);
    const sum = current.sum - previous.sum;
    let p95 = null;
    if (count) {
      const bounds = [...current.buckets.keys()].sort((a, b) => a - b);
      for (const bound of bounds) {
        if ((current.buckets.get(bound) || 0) - (previous.buckets.get(bound) || 0) >= 0.95 * count) {
          p95 = bound;
          break;
        }
      }
    }
    return {
      requests: requests === null ? null : requests / seconds,
      errors: errors === null ? null : errors / seconds,
      mean: count ? Math.max(sum, 0) / count : null,
      p95,
    };
  }

  function formatRate(value) {
    if (value === null || value === undefined) return '–';
    return value < 10 ? value.toFixed(2) : value.toFixed(1);
  }

  function formatSeconds(value) {
    if (value === null || value === undefined) return '–';
    if (value === Infinity) return '> 10 s';
    const ms = value * 1000;
    return ms < 10 ? ms.toFixed(2) + ' ms' : ms < 1000 ? ms.toFixed(0) + ' ms' : value.toFixed(2) + ' s';
  }

  // ---- page state ------------------------------------------------------------------------

  const state = {
    timer: null,
    running: null,
    again: false,
    pending: null,        // {action: 'reload'|'unload', plugin} awaiting its confirmation
    sample: null,         // {at, plugins} the previous metrics sample
    rates: new Map(),     // plugin -> rates()
    rows: new Map(),      // plugin -> {tr, cells, ...}
    lastEvents: '',
    lastServices: '',
    lastLevels: '',
    lastErrors: '',
    levelNames: '',
  };

  function setStatus(kind, text) {
    $('status').dataset.state = kind;
    setText($('status-text'), text);
  }

  function notice(text, kind = 'info') {
    const node = $('notice');
    node.dataset.kind = kind;
    setText(node, text);
    node.hidden = !text;
  }

  function showSignedIn(signedIn) {
    $('login').hidden = signedIn;
    $('dashboard').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
    $('refresh-field').hidden = !signedIn;
    if (!signedIn) {
      clearTimeout(state.timer);
      state.timer = null;
      setStatus('signed-out', 'Signed out');
      setText($('host-version'), '');
    }
  }

  function signOut(reason) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.pending = null;
    state.sample = null;
    showSignedIn(false);
    const error = $('login-error');
    setText(error, reason || '');
    error.hidden = !reason;
    $('token').focus();
  }

  function loginFailure(error) {
    if (!(error instanceof ApiError)) return String(error);
    if (error.status === 401 || error.code === 'forbidden')
      return 'The admin API refused this token (' + error.describe() + '). Check the content of the admin token file.';
    if (error.status === 429)
      return 'Too many failed token checks from this address (' + error.describe() + ')' +
        (error.retryAfter ? '; try again in ' + error.retryAfter + ' s.' : '.');
    return 'Cannot sign in: ' + error.describe();
  }

  // ---- rendering -------------------------------------------------------------------------

  const PLUGIN_CELLS = ['name', 'version', 'abi', 'generation', 'state', 'routes', 'rate', 'errors', 'latency', 'requests'];
  const NUMERIC_CELLS = new Set(['rate', 'errors', 'latency', 'requests']);

  function createPluginRow(name) {
    const cells = {};
    const tr = el('tr', { dataset: { testid: 'plugin-row', plugin: name } });
    for (const key of PLUGIN_CELLS) {
      cells[key] = el('td', { dataset: { testid: 'plugin-' + key }, className: NUMERIC_CELLS.has(key) ? 'num' : '' });
      tr.appendChild(cells[key]);
    }
    const reload = el('button', { type: 'button', textContent: 'Reload', dataset: { testid: 'reload' } });
    const unload = el('button', { type: 'button', textContent: 'Unload', className: 'danger', dataset: { testid: 'unload' } });
    const question = el('span', { dataset: { testid: 'confirm-question' } });
    const confirm = el('button', { type: 'button', textContent: 'Confirm', className: 'danger', dataset: { testid: 'confirm' } });
    const cancel = el('button', { type: 'button', textContent: 'Cancel', dataset: { testid: 'cancel' } });
    const normal = el('span', { className: 'actions' }, [reload, unload]);
    const confirmGroup = el('span', { className: 'confirm', hidden: true }, [question, confirm, cancel]);
    tr.appendChild(el('td', { dataset: { testid: 'plugin-actions' } }, [normal, confirmGroup]));
    reload.addEventListener('click', () => askConfirmation('reload', name));
    unload.addEventListener('click', () => askConfirmation('unload', name));
    cancel.addEventListener('click', () => askConfirmation(null, name));
    confirm.addEventListener('click', () => runPluginAction(name));
    return { tr, cells, normal, confirmGroup, question, buttons: [reload, unload, confirm, cancel] };
  }

  function renderActions() {
    for (const [name, row] of state.rows) {
      const pending = state.pending && state.pending.plugin === name ? state.pending : null;
      row.normal.hidden = Boolean(pending);
      row.confirmGroup.hidden = !pending;
      if (pending) {
        setText(row.question, pending.action === 'reload'
          ? 'Reload ' + name + '?'
          : 'Unload ' + name + '? Its routes answer 404 until it is loaded again.');
      }
      for (const button of row.buttons) button.disabled = Boolean(pending && pending.busy);
    }
  }

  function renderPlugins(list) {
    const plugins = Array.isArray(list.plugins) ? list.plugins : [];
    const names = new Set(plugins.map((p) => String(p.name)));
    for (const [name, row] of state.rows) {
      if (!names.has(name)) {
        row.tr.remove();
        state.rows.delete(name);
      }
    }
    const body = $('plugin-rows');
    plugins.forEach((plugin, index) => {
      const name = String(plugin.name);
      let row = state.rows.get(name);
      if (!row) {
        row = createPluginRow(name);
        state.rows.set(name, row);
      }
      const c = row.cells;
      setText(c.name, name);
      c.name.title = plugin.description || '';
      setText(c.version, plugin.version);
      setText(c.abi, plugin.abi);
      setText(c.generation, plugin.generation);
      setText(c.state, plugin.state);
      c.state.className = 'state-' + String(plugin.state).replace(/[^a-z]/g, '');
      const routes = (Array.isArray(plugin.routes) ? plugin.routes : [])
        .map((r) => String(r.listener) + ': ' + (r.host ? String(r.host) : '') + String(r.prefix));
      if (c.routes.dataset.routes !== JSON.stringify(routes)) {
        c.routes.dataset.routes = JSON.stringify(routes);
        c.routes.replaceChildren(el('ul', { className: 'routes' }, routes.map((r) => el('li', { textContent: r }))));
        if (!routes.length) c.routes.replaceChildren(el('span', { className: 'muted', textContent: 'none' }));
      }
      const figures = state.rates.get(name);
      setText(c.rate, formatRate(figures && figures.requests));
      setText(c.errors, formatRate(figures && figures.errors));
      setText(c.latency, figures && figures.mean !== null
        ? formatSeconds(figures.mean) + (figures.p95 !== null ? ' (p95 ≤ ' + formatSeconds(figures.p95) + ')' : '')
        : '–');
      setText(c.requests, plugin.requests ? plugin.requests.total : '');
      if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] || null);
    });
    $('plugins-empty').hidden = plugins.length > 0;
    if (state.pending && !state.rows.has(state.pending.plugin)) state.pending = null;
    renderActions();

    const errors = Array.isArray(list.errors) ? list.errors : [];
    const errorsText = JSON.stringify(errors);
    if (errorsText !== state.lastErrors) {
      state.lastErrors = errorsText;
      $('file-error-rows').replaceChildren(...errors.map((e) => el('tr', { dataset: { testid: 'file-error-row' } }, [
        el('td', { textContent: String(e.file) }),
        el('td', { textContent: String(e.error) }),
        el('td', { textContent: String(e.message) }),
        el('td', { textContent: String(e.at) }),
      ])));
      $('file-errors-block').hidden = errors.length === 0;
    }
    updateLevelServices(plugins.map((p) => String(p.name)));
  }

  function renderEvents(history) {
    const events = history && Array.isArray(history.events) ? history.events.slice().reverse() : [];
    const text = JSON.stringify(events);
    if (text === state.lastEvents) return;
    state.lastEvents = text;
    $('event-rows').replaceChildren(...events.map((e) => {
      const ok = e.result === 'ok';
      const generation = e.action === 'reload' && ok
        ? e.previous_generation + ' → ' + e.generation
        : e.action === 'unload' ? String(e.previous_generation) : String(e.generation || e.previous_generation || '');
      return el('tr', { dataset: { testid: 'event-row', action: String(e.action), plugin: String(e.plugin) } }, [
        el('td', { textContent: String(e.at).replace('T', ' ').replace(/\.\d+/, '') }),
        el('td', { textContent: String(e.action) }),
        el('td', { textContent: String(e.plugin || e.file || '') }),
        el('td', { textContent: generation, dataset: { testid: 'event-generation' } }),
        el('td', {
          textContent: ok ? 'ok' : String(e.result) + (e.message ? ': ' + String(e.message) : ''),
          className: ok ? 'result-ok' : 'result-failed',
        }),
        el('td', { className: 'num', textContent: Number(e.duration_ms).toFixed(1) + ' ms' }),
      ]);
    }));
    $('events-empty').hidden = events.length > 0;
  }

  function renderServices(directory) {
    const services = directory && directory.services ? Object.entries(directory.services) : [];
    const text = JSON.stringify(services);
    if (text === state.lastServices) return;
    state.lastServices = text;
    $('service-rows').replaceChildren(...services.map(([name, entry]) => el('tr', { dataset: { testid: 'service-row' } }, [
      el('td', { textContent: name, dataset: { testid: 'service-name' } }),
      el('td', { textContent: entry && entry.url !== undefined ? String(entry.url) : '', dataset: { testid: 'service-url' } }),
    ])));
    $('services-empty').hidden = services.length > 0;
  }

  function renderLevels(levels) {
    const text = JSON.stringify(levels);
    if (!levels || text === state.lastLevels) return;
    state.lastLevels = text;
    const rows = [el('tr', { dataset: { testid: 'level-row', service: '' } }, [
      el('td', { textContent: 'default', className: 'muted' }),
      el('td', { textContent: String(levels.default), dataset: { testid: 'level' } }),
    ])];
    for (const [service, level] of Object.entries(levels.services || {})) {
      rows.push(el('tr', { dataset: { testid: 'level-row', service } }, [
        el('td', { textContent: service, dataset: { testid: 'level-service-name' } }),
        el('td', { textContent: String(level), dataset: { testid: 'level' } }),
      ]));
    }
    $('level-rows').replaceChildren(...rows);
    updateLevelServices(null, Object.keys(levels.services || {}));
  }

  /// The choices of the log-level form: the default, "host", the plugins and the services with a level.
  function updateLevelServices(plugins, withLevels) {
    if (plugins) state.levelPlugins = plugins;
    if (withLevels) state.levelServices = withLevels;
    const names = [...new Set(['host', ...(state.levelPlugins || []), ...(state.levelServices || [])])].sort();
    const key = JSON.stringify(names);
    if (key === state.levelNames) return;
    state.levelNames = key;
    const select = $('level-service');
    const chosen = select.value;
    const options = [el('option', { value: '', textContent: '(default level)' })];
    for (const name of names) options.push(el('option', { value: name, textContent: name }));
    select.replaceChildren(...options);
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  // ---- actions ---------------------------------------------------------------------------

  function askConfirmation(action, plugin) {
    if (state.pending && state.pending.busy) return;
    state.pending = action ? { action, plugin } : null;
    renderActions();
  }

  async function runPluginAction(plugin) {
    const pending = state.pending;
    if (!pending || pending.plugin !== plugin || pending.busy) return;
    pending.busy = true;
    renderActions();
    const url = API.plugins + '/' + encodeURIComponent(plugin);
    try {
      if (pending.action === 'reload') {
        const before = state.rows.has(plugin) ? state.rows.get(plugin).cells.generation.textContent : '?';
        const answer = await call('POST', url + '/reload', {});
        notice('Reloaded ' + plugin + ': generation ' + before + ' → ' + answer.generation + '.');
      } else {
        const answer = await call('DELETE', url);
        notice('Unloaded ' + plugin + (answer.library_closed ? ' (its library left the process).' : ' (its library is still mapped).'));
      }
    } catch (error) {
      notice((pending.action === 'reload' ? 'Reload' : 'Unload') + ' of ' + plugin + ' refused: ' +
        (error instanceof ApiError ? error.describe() : String(error)), 'error');
    }
    state.pending = null;
    renderActions();
    refresh();
  }

  function levelRequest() {
    const service = $('level-service').value;
    const level = $('level-value').value;
    if (service === '') return level ? { body: { default: level }, text: 'the default level to ' + level } : null;
    return {
      body: { service, level: level || null },
      text: service + (level ? ' to ' + level : ' to follow the default level'),
    };
  }

  function renderLevelConfirm(question) {
    $('level-set').hidden = Boolean(question);
    $('level-confirm-group').hidden = !question;
    setText($('level-question'), question ? 'Set ' + question + '?' : '');
  }

  async function confirmLevel() {
    const request = levelRequest();
    renderLevelConfirm(null);
    if (!request) return;
    try {
      await call('POST', API.levels, request.body);
      notice('Set ' + request.text + '.');
    } catch (error) {
      notice('Log level change refused: ' + (error instanceof ApiError ? error.describe() : String(error)), 'error');
    }
    state.lastLevels = '';
    refresh();
  }

  // ---- refreshing ------------------------------------------------------------------------

  function interval() {
    return Number($('refresh').value);
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = null;
    if (!token()) return;
    if (document.hidden) {
      setStatus('paused', 'Paused while the tab is hidden');
      return;
    }
    if (interval() <= 0) {
      setStatus('paused', 'Refresh paused');
      return;
    }
    state.timer = setTimeout(refresh, interval());
  }

  /// Fetches everything once and renders it; a call made while one runs runs again after it.
  /// The status element's data-busy is "true" while a refresh runs (a refresh started before
  /// the tab was hidden or refreshing paused still completes).
  function refresh() {
    if (state.running) {
      state.again = true;
      return state.running;
    }
    $('status').dataset.busy = 'true';
    state.running = refreshOnce().finally(() => {
      state.running = null;
      $('status').dataset.busy = state.again ? 'true' : 'false';
      if (state.again) {
        state.again = false;
        refresh();
      } else {
        schedule();
      }
    });
    return state.running;
  }

  async function refreshOnce() {
    if (!token()) return;
    clearTimeout(state.timer);
    try {
      // The status first: a token refused there is one failed check, not one per call.
      const status = await call('GET', API.status);
      const [plugins, events, services, levels, metrics] = await Promise.all([
        call('GET', API.plugins),
        optional(call('GET', API.events)),
        optional(call('GET', API.services)),
        optional(call('GET', API.levels)),
        metricsText(),
      ]);
      const now = performance.now();
      const sample = { at: now, plugins: parseMetrics(metrics) };
      if (state.sample) {
        const seconds = (now - state.sample.at) / 1000;
        state.rates = new Map();
        for (const [name, current] of sample.plugins) state.rates.set(name, rates(state.sample.plugins.get(name), current, seconds));
      }
      state.sample = sample;
      setText($('host-version'), 'terrariumd ' + status.version + ' · ' + status.state);
      renderPlugins(plugins);
      renderEvents(events);
      renderServices(services);
      renderLevels(levels);
      setStatus('live', 'Live · updated ' + new Date().toLocaleTimeString());
    } catch (error) {
      if (error instanceof ApiError && error.tokenRefused) {
        signOut('The admin API refused the token (' + error.describe() + '). Sign in again.');
        return;
      }
      setStatus('error', 'Cannot refresh: ' + (error instanceof ApiError ? error.describe() : String(error)));
    }
  }

  // ---- wiring ----------------------------------------------------------------------------

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('token');
    const candidate = input.value.trim();
    const error = $('login-error');
    if (!candidate) return;
    $('sign-in').disabled = true;
    try {
      await call('GET', API.status, undefined, candidate);
      sessionStorage.setItem(TOKEN_KEY, candidate);
      input.value = '';
      error.hidden = true;
      setText(error, '');
      notice('');
      showSignedIn(true);
      refresh();
    } catch (failure) {
      setText(error, loginFailure(failure));
      error.hidden = false;
    } finally {
      $('sign-in').disabled = false;
    }
  });

  $('sign-out').addEventListener('click', () => signOut(''));

  $('refresh').addEventListener('change', () => {
    sessionStorage.setItem(REFRESH_KEY, $('refresh').value);
    refresh();
  });

  $('level-set').addEventListener('click', () => {
    const request = levelRequest();
    if (!request) {
      notice('The default level cannot follow itself: choose a level.', 'error');
      return;
    }
    renderLevelConfirm(request.text);
  });
  $('level-confirm').addEventListener('click', confirmLevel);
  $('level-cancel').addEventListener('click', () => renderLevelConfirm(null));
  for (const id of ['level-service', 'level-value']) $(id).addEventListener('change', () => renderLevelConfirm(null));

  document.addEventListener('visibilitychange', () => {
    if (!token()) return;
    if (document.hidden) schedule();
    else refresh();
  });

  const savedInterval = sessionStorage.getItem(REFRESH_KEY);
  if (savedInterval !== null && [...$('refresh').options].some((o) => o.value === savedInterval)) $('refresh').value = savedInterval;
  updateLevelServices([], []);
  if (token()) {
    showSignedIn(true);
    refresh();
  } else {
    showSignedIn(false);
    $('token').focus();
  }
})();
