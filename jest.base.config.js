/** Shared Jest settings: SWC transpiles TypeScript (type checking is `npm run lint`'s job). */
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.$schema;

module.exports = {
  rootDir: __dirname,
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { ...swcrc, swcrc: false }],
    // PGlite ships its CommonJS build as `.cjs` with `import.meta` in it: let SWC rewrite it.
    '^.+/@electric-sql/pglite/dist/.+\\.cjs$': ['@swc/jest', { ...swcrc, swcrc: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@chain/auth$': '<rootDir>/libs/auth/src',
    '^@chain/auth/testing$': '<rootDir>/libs/auth/src/testing',
    '^@chain/contracts$': '<rootDir>/libs/contracts/src',
    '^@chain/platform$': '<rootDir>/libs/platform/src',
    '^@chain/local-tenant$': '<rootDir>/libs/local-tenant/src',
    '^@chain/testing$': '<rootDir>/libs/testing/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/apps/web/dist/'],
};
