/**
 * Chain e2e: every app as its own process, real MSAL, real tokens (test/chain). Runs once per identity
 * mode (`IDENTITY_MODE`, set by scripts/test.mjs); `*.<mode>.e2e-spec.ts` files run in that mode only.
 */
const base = require('./jest.base.config');

const MODES = ['entra', 'external-id', 'b2c'];
const mode = process.env.IDENTITY_MODE || 'entra';

module.exports = {
  ...base,
  displayName: `chain:${mode}`,
  testMatch: ['<rootDir>/test/chain/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: MODES.filter((m) => m !== mode).map((m) => `\\.${m}\\.e2e-spec\\.ts$`),
  testTimeout: 180000,
  maxWorkers: 1,
};
