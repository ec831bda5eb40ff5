'use strict';
// withPage for the browser tests: runs a test body in a new tab of the shared browser and, when it
// fails, saves a screenshot and the host's log as artefacts.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

/// A withPage(name, body, expectedProblems) function over the browser and host that context()
/// returns ({browser, host}; they are made in the tests' before()), with artefacts named
/// <prefix><name>.png / .terrariumd.log in artifacts. Console errors matching expectedProblems
/// (the browser's own report of an answer the test provokes, e.g. a 403) are not page problems.
function pageRunner(context, artifacts, prefix) {
  return async function withPage(name, body, expectedProblems = null) {
    const { browser, host } = context();
    const page = await browser.newPage();
    try {
      await body(page);
      const problems = expectedProblems ? page.problems.filter((p) => !expectedProblems.test(p)) : page.problems;
      assert.deepEqual(problems, [], 'the page reported errors');
    } catch (error) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      await page.screenshot({ path: path.join(artifacts, prefix + slug + '.png'), fullPage: true }).catch(() => {});
      fs.writeFileSync(path.join(artifacts, prefix + slug + '.terrariumd.log'), host.log());
      if (page.problems.length) error.message += '\npage problems: ' + page.problems.join('\n');
      throw error;
    } finally {
      await page.close();
    }
  };
}

module.exports = { pageRunner };
