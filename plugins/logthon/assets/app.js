// logthon's web UI: a live log view fed by the WebSocket "ws" and a view of file-storage through
// "files". Every URL is relative to the page, so the UI works at "/" and behind a gateway prefix
// ("/api/logs/"). Text from entries and files only ever reaches the page through textContent.
(function () {
  'use strict';

  const BASE = new URL('.', location.href);
  const MAX_ENTRIES = 5000;
  const STANDARD_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
  const RECONNECT_FIRST_MS = 500;
  const RECONNECT_MAX_MS = 10000;
  const RECONNECT_BUSY_MS = 5000;
  const RECONNECT_BUSY_MAX_MS = 60000;

  const $ = (id) => document.getElementById(id);

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function webSocketUrl() {
    const url = new URL('ws', BASE);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  }

  // ---- Log entries ---------------------------------------------------------------------------

  const state = {
    entries: [],            // {key, id, service, level, message, metadata, time, haystack, node}
    keys: new Set(),
    pending: [],
    paused: false,
    services: new Set(),
    levels: new Set(STANDARD_LEVELS),
    levelCounts: new Map(),
    filter: { service: '', level: '', text: '' },
  };

  function asText(value) {
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  function parseTime(value) {
    if (typeof value === 'number' && isFinite(value)) return new Date(value < 1e12 ? value * 1000 : value);
    if (typeof value === 'string' && value !== '') {
      const numeric = Number(value);
      if (isFinite(numeric)) return parseTime(numeric);
      const parsed = new Date(value);
      if (!isNaN(parsed.getTime())) return parsed;
    }
    return null;
  }

  function twoDigits(n) { return String(n).padStart(2, '0'); }

  function clockText(date) {
    return twoDigits(date.getHours()) + ':' + twoDigits(date.getMinutes()) + ':' + twoDigits(date.getSeconds()) +
      '.' + String(date.getMilliseconds()).padStart(3, '0');
  }

  /// A stored entry as the page keeps it. The key identifies it across reconnects: the entry's id
  /// together with its content, so that a replay skips what is shown while a new generation that
  /// numbers its entries afresh is not mistaken for the old one.
  function normalise(raw) {
    const metadata = raw.metadata && typeof raw.metadata === 'object' ? raw.metadata : null;
    const entry = {
      id: raw.id === undefined || raw.id === null ? '' : String(raw.id),
      service: asText(raw.service) || 'unknown',
      level: (asText(raw.level) || 'INFO').toUpperCase(),
      message: asText(raw.message),
      metadata: metadata && Object.keys(metadata).length ? JSON.stringify(metadata) : '',
      timestampText: asText(raw.timestamp),
      time: parseTime(raw.timestamp),
    };
    entry.key = JSON.stringify([entry.id, entry.timestampText, entry.service, entry.level, entry.message]);
    entry.haystack = (entry.message + '\n' + entry.service + '\n' + entry.level + '\n' + entry.metadata).toLowerCase();
    return entry;
  }

  function levelClass(level) {
    return 'level-' + level.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  }

  function renderEntry(entry) {
    const item = element('li', 'entry ' + levelClass(entry.level));
    item.dataset.testid = 'log-entry';
    item.dataset.id = entry.id;
    item.dataset.service = entry.service;
    item.dataset.level = entry.level;
    const time = element('time', 'entry-time', entry.time ? clockText(entry.time) : entry.timestampText);
    if (entry.time) {
      time.dateTime = entry.time.toISOString();
      time.title = entry.time.toISOString();
    }
    item.append(time,
      element('span', 'entry-level', entry.level),
      element('span', 'entry-service', entry.service));
    const message = element('span', 'entry-message', entry.message);
    message.dataset.testid = 'log-message';
    item.append(message);
    if (entry.metadata) item.append(element('span', 'entry-metadata', entry.metadata));
    return item;
  }

  function matches(entry) {
    const f = state.filter;
    return (!f.service || entry.service === f.service) &&
      (!f.level || entry.level === f.level) &&
      (!f.text || entry.haystack.includes(f.text));
  }

  /// Adds value to a filter's choices (after its first, "all", choice) in the order compare gives.
  function addOption(select, value, compare) {
    const options = Array.from(select.options).slice(1);
    const next = options.find((option) => compare(option.value, value) > 0);
    const option = element('option', '', value);
    option.value = value;
    select.insertBefore(option, next || null);
  }

  function noteService(service) {
    if (state.services.has(service)) return;
    state.services.add(service);
    addOption($('filter-service'), service, (a, b) => a.localeCompare(b));
  }

  function noteLevel(level) {
    if (state.levels.has(level)) return;
    state.levels.add(level);
    addOption($('filter-level'), level, byLevel);
  }

  function nearBottom(scroller) {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  }

  function show(entries) {
    if (!entries.length) return;
    const scroller = $('log-scroll');
    const follow = nearBottom(scroller);
    const fragment = document.createDocumentFragment();
    for (const entry of entries) {
      entry.node = renderEntry(entry);
      entry.node.hidden = !matches(entry);
      fragment.append(entry.node);
      state.entries.push(entry);
      state.levelCounts.set(entry.level, (state.levelCounts.get(entry.level) || 0) + 1);
      noteService(entry.service);
      noteLevel(entry.level);
    }
    $('log-list').append(fragment);
    while (state.entries.length > MAX_ENTRIES) {
      const dropped = state.entries.shift();
      dropped.node.remove();
      state.keys.delete(dropped.key);
      state.levelCounts.set(dropped.level, state.levelCounts.get(dropped.level) - 1);
    }
    updateCounts();
    if (follow) scroller.scrollTop = scroller.scrollHeight;
  }

  function receive(raw) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return;
    const entry = normalise(raw);
    if (state.keys.has(entry.key)) return;
    state.keys.add(entry.key);
    if (state.paused) {
      state.pending.push(entry);
      updatePending();
    } else {
      show([entry]);
    }
  }

  function updateCounts() {
    const shown = state.entries.reduce((n, entry) => n + (entry.node.hidden ? 0 : 1), 0);
    $('count-shown').textContent = String(shown);
    $('count-total').textContent = String(state.entries.length);
    $('log-empty').hidden = state.entries.length > 0;
    const counts = $('level-counts');
    counts.replaceChildren();
    for (const level of Array.from(state.levelCounts.keys()).sort(byLevel)) {
      const count = state.levelCounts.get(level);
      if (!count) continue;
      const badge = element('span', 'level-count ' + levelClass(level), level + ' ' + count);
      badge.dataset.level = level;
      counts.append(badge);
    }
  }

  function byLevel(a, b) {
    const rank = (level) => {
      const index = STANDARD_LEVELS.indexOf(level);
      return index < 0 ? STANDARD_LEVELS.length : index;
    };
    return rank(a) - rank(b) || a.localeCompare(b);
  }

  function updatePending() {
    $('pending-count').textContent = String(state.pending.length);
    $('pending').hidden = !state.paused;
  }

  function applyFilter() {
    state.filter = {
      service: $('filter-service').value,
      level: $('filter-level').value,
      text: $('search').value.trim().toLowerCase(),
    };
    for (const entry of state.entries) entry.node.hidden = !matches(entry);
    updateCounts();
  }

  function setPaused(paused) {
    state.paused = paused;
    const button = $('pause');
    button.textContent = paused ? 'Resume' : 'Pause';
    button.setAttribute('aria-pressed', String(paused));
    if (!paused) {
      const waiting = state.pending;
      state.pending = [];
      show(waiting);
    }
    updatePending();
  }

  // ---- Connection ----------------------------------------------------------------------------

  const connection = { socket: null, attempts: 0, busyRefusals: 0, timer: null, countdown: null };

  function setStatus(stateName, text) {
    const status = $('status');
    status.dataset.state = stateName;
    $('status-text').textContent = text;
  }

  function connect() {
    connection.timer = null;
    setStatus('connecting', 'Connecting…');
    let socket;
    try {
      socket = new WebSocket(webSocketUrl());
    } catch (error) {
      scheduleReconnect(0, String(error));
      return;
    }
    connection.socket = socket;
    socket.addEventListener('open', () => {
      connection.attempts = 0;
      setStatus('live', 'Live');
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (Array.isArray(data)) data.forEach(receive);
      else receive(data);
    });
    socket.addEventListener('close', (event) => {
      if (connection.socket !== socket) return;
      connection.socket = null;
      scheduleReconnect(event.code, event.reason);
    });
  }

  function scheduleReconnect(code, reason) {
    // A server at its connection limit accepts and closes with 1013: wait longer each time.
    connection.busyRefusals = code === 1013 ? connection.busyRefusals + 1 : 0;
    const exponential = connection.busyRefusals
      ? Math.min(RECONNECT_BUSY_MAX_MS, RECONNECT_BUSY_MS * Math.pow(2, connection.busyRefusals - 1))
      : Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * Math.pow(2, connection.attempts));
    const delay = exponential * (0.8 + 0.4 * Math.random());
    connection.attempts += 1;
    const due = Date.now() + delay;
    const why = code === 1013 ? 'server busy' : code === 1001 ? 'server going away' : code ? 'closed ' + code : 'disconnected';
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      setStatus('reconnecting', 'Reconnecting in ' + seconds + ' s (' + why + (reason ? ': ' + reason : '') + ')');
    };
    tick();
    clearInterval(connection.countdown);
    connection.countdown = setInterval(tick, 1000);
    connection.timer = setTimeout(() => {
      clearInterval(connection.countdown);
      connect();
    }, delay);
  }

  // ---- Files ---------------------------------------------------------------------------------

  /// The text of an error answer: file-storage's {"detail"}, the host's {"error","message"}.
  function errorText(response, body) {
    let detail = '';
    if (body && typeof body === 'object') {
      if (typeof body.detail === 'string') detail = body.detail;
      else if (Array.isArray(body.detail)) detail = body.detail.map((d) => (d && d.msg) || JSON.stringify(d)).join('; ');
      else if (typeof body.message === 'string') detail = body.message;
      else if (typeof body.error === 'string') detail = body.error;
    }
    return response.status + ' ' + (detail || response.statusText || 'request failed');
  }

  async function api(method, path) {
    const response = await fetch(new URL(path, BASE), {
      method: method,
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok) throw new Error(errorText(response, body));
    return body || {};
  }

  function filePath(name) {
    return 'files/' + encodeURIComponent(name);
  }

  function formatSize(bytes) {
    if (typeof bytes !== 'number' || !isFinite(bytes)) return '';
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
    return (bytes / (1024 * 1024)).toFixed(1) + ' MiB';
  }

  function formatDate(value) {
    const date = parseTime(value);
    return date ? date.toLocaleString() : asText(value);
  }

  function setFilesMessage(text, isError) {
    const message = $('files-message');
    message.textContent = text;
    message.classList.toggle('message-error', Boolean(isError));
  }

  let viewedFile = '';

  async function loadFiles() {
    let answer;
    try {
      answer = await api('GET', 'files');
    } catch (error) {
      setFilesMessage('Cannot list files: ' + error.message, true);
      return;
    }
    const files = Array.isArray(answer.files) ? answer.files : [];
    const list = $('files-list');
    list.replaceChildren(...files.map(renderFile));
    $('files-empty').hidden = files.length > 0;
    const count = typeof answer.count === 'number' ? answer.count : files.length;
    $('files-summary').textContent = count + (count === 1 ? ' file' : ' files') +
      (typeof answer.max_files === 'number' ? ' (keeps at most ' + answer.max_files + ')' : '');
    $('files-clear').disabled = files.length === 0;
  }

  function renderFile(file) {
    const name = asText(file.filename);
    const row = element('tr', 'file-row');
    row.dataset.testid = 'file-row';
    row.dataset.filename = name;
    const nameCell = element('td', 'file-name');
    const nameButton = element('button', 'link-button', name);
    nameButton.type = 'button';
    nameButton.title = 'View ' + name;
    nameButton.addEventListener('click', () => viewFile(name));
    nameCell.append(nameButton);
    row.append(nameCell,
      element('td', 'file-size', formatSize(file.size)),
      element('td', 'file-date', formatDate(file.modified_at)),
      element('td', 'file-preview', asText(file.content_preview)));
    const actions = element('td', 'file-actions');
    const view = element('button', 'button button-small', 'View');
    view.type = 'button';
    view.dataset.testid = 'file-view';
    view.setAttribute('aria-label', 'View ' + name);
    view.addEventListener('click', () => viewFile(name));
    const remove = element('button', 'button button-small button-danger', 'Delete');
    remove.type = 'button';
    remove.dataset.testid = 'file-delete';
    remove.setAttribute('aria-label', 'Delete ' + name);
    remove.addEventListener('click', (event) => {
      event.stopPropagation();
      if (remove.dataset.armed === 'true') {
        deleteFile(name);
        return;
      }
      disarmDeletes();
      remove.dataset.armed = 'true';
      remove.textContent = 'Confirm delete';
      remove.setAttribute('aria-label', 'Confirm: delete ' + name);
    });
    actions.append(view, remove);
    row.append(actions);
    return row;
  }

  function disarmDeletes() {
    for (const button of document.querySelectorAll('[data-testid="file-delete"][data-armed="true"]')) {
      button.dataset.armed = 'false';
      button.textContent = 'Delete';
      button.setAttribute('aria-label', 'Delete ' + button.closest('tr').dataset.filename);
    }
  }

  async function viewFile(name) {
    try {
      const file = await api('GET', filePath(name));
      viewedFile = name;
      $('file-viewer-name').textContent = asText(file.filename) || name;
      $('file-viewer-info').textContent = formatSize(file.size) + ' · modified ' + formatDate(file.modified_at);
      $('file-content').textContent = asText(file.content);
      $('file-viewer').hidden = false;
      setFilesMessage('', false);
    } catch (error) {
      setFilesMessage('Cannot open ' + name + ': ' + error.message, true);
    }
  }

  function closeViewer() {
    viewedFile = '';
    $('file-viewer').hidden = true;
    $('file-content').textContent = '';
  }

  async function deleteFile(name) {
    try {
      await api('DELETE', filePath(name));
      if (viewedFile === name) closeViewer();
      setFilesMessage('Deleted ' + name + '.', false);
    } catch (error) {
      setFilesMessage('Cannot delete ' + name + ': ' + error.message, true);
    }
    await loadFiles();
  }

  function showClearConfirm(visible) {
    $('files-clear-confirm-bar').hidden = !visible;
    $('files-clear').hidden = visible;
    if (visible) {
      const count = $('files-list').children.length;
      $('files-clear-question').textContent = 'Delete all ' + count + (count === 1 ? ' file?' : ' files?');
      $('files-clear-cancel').focus();
    }
  }

  async function clearFiles() {
    showClearConfirm(false);
    try {
      const answer = await api('DELETE', 'files');
      closeViewer();
      setFilesMessage(asText(answer.message) || 'Cleared.', false);
    } catch (error) {
      setFilesMessage('Cannot clear files: ' + error.message, true);
    }
    await loadFiles();
  }

  // ---- Tabs and wiring -----------------------------------------------------------------------

  function selectTab(name) {
    for (const tab of ['logs', 'files']) {
      const selected = tab === name;
      const button = $('tab-' + tab);
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      $('panel-' + tab).hidden = !selected;
    }
    if (name === 'files') loadFiles();
  }

  function wire() {
    for (const level of STANDARD_LEVELS) addOption($('filter-level'), level, byLevel);
    $('filter-service').addEventListener('change', applyFilter);
    $('filter-level').addEventListener('change', applyFilter);
    $('search').addEventListener('input', applyFilter);
    $('pause').addEventListener('click', () => setPaused(!state.paused));
    $('tab-logs').addEventListener('click', () => selectTab('logs'));
    $('tab-files').addEventListener('click', () => selectTab('files'));
    document.querySelector('[role="tablist"]').addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const next = $('tab-logs').getAttribute('aria-selected') === 'true' ? 'files' : 'logs';
      selectTab(next);
      $('tab-' + next).focus();
    });
    $('files-refresh').addEventListener('click', loadFiles);
    $('files-clear').addEventListener('click', () => showClearConfirm(true));
    $('files-clear-cancel').addEventListener('click', () => showClearConfirm(false));
    $('files-clear-confirm').addEventListener('click', clearFiles);
    $('file-viewer-close').addEventListener('click', closeViewer);
    document.addEventListener('click', disarmDeletes);
    updateCounts();
    updatePending();
    if (location.hash === '#files') selectTab('files');
    connect();
  }

  wire();
})();
