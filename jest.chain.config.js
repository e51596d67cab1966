/** Chain e2e: every app as its own process, real MSAL, real tokens (test/chain). */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  displayName: 'chain',
  testMatch: ['<rootDir>/test/chain/**/*.e2e-spec.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
