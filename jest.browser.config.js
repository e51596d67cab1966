/** Browser e2e: the SPA in Debian's Chromium (playwright-core) against the whole chain (test/browser). */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  displayName: 'browser',
  testMatch: ['<rootDir>/test/browser/**/*.e2e-spec.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
