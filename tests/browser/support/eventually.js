// Polls a condition until it holds or a deadline passes (the browser tests' Eventually.h).
'use strict';

const { setTimeout: delay } = require('node:timers/promises');

/// Calls check() (sync or async) every intervalMs until it returns a truthy value, which is
/// returned; an exception thrown by check() ends the wait at once. Rejects after timeoutMs.
async function eventually(check, { timeoutMs = 20000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out after ' + timeoutMs + ' ms waiting for ' + what);
    await delay(intervalMs);
  }
}

module.exports = { eventually };
