/** Compose check: docker-compose.yml against each app's config validation and the generator (no engine needed). */
const base = require('./jest.base.config');

module.exports = { ...base, displayName: 'compose', testMatch: ['<rootDir>/test/compose/**/*.e2e-spec.ts'], testTimeout: 60000 };
