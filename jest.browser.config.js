/** Browser e2e: the SPA in Debian's Chromium (playwright-core) against the whole chain (test/browser). */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  displayName: 'browser',
  testMatch: ['<rootDir>/test/browser/**/*.e2e-spec.ts'],
  // Prints the one "skipped: no Chromium" line; the suites then skip themselves (support/chromium.ts).
  globalSetup: '<rootDir>/test/browser/support/chromium-notice.js',
  testTimeout: 180000,
  maxWorkers: 1,
};
