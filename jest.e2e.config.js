/** App e2e tests: `apps/<app>/test/*.e2e-spec.ts` and `libs/<lib>/test/*.e2e-spec.ts`, each booting real modules on random ports. */
const base = require('./jest.base.config');

module.exports = { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs}/*/test/**/*.e2e-spec.ts'], testTimeout: 60000 };
