/** Repository checks without an engine: docker-compose.yml against each app's config validation and the generator, the Kubernetes manifests, the import rules of .dependency-cruiser.cjs. */
const base = require('./jest.base.config');

module.exports = { ...base, displayName: 'compose', testMatch: ['<rootDir>/test/compose/**/*.e2e-spec.ts'], testTimeout: 60000 };
