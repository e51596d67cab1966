/** Container e2e: docker-compose.yml brought up through testcontainers; skips with one line without a Docker engine. */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  displayName: 'containers',
  testMatch: ['<rootDir>/test/containers/**/*.containers-spec.ts'],
  // Building six images and starting ten containers on a CI runner takes minutes, not seconds.
  testTimeout: 900000,
  maxWorkers: 1,
};
