/** Unit tests: `*.spec.ts` beside the code, no processes, no network beyond loopback fakes. */
const base = require('./jest.base.config');

module.exports = { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'] };
