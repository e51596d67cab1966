// The architecture's import rules, checked by `npm run lint` (dependency-cruiser; docs/CONTRACTS.md
// "Who may import what" explains each rule). A rule broken by a new import fails the lint; the few
// exceptions below are listed file by file, each with the reason it is still needed.
/** @type {import('dependency-cruiser').IConfiguration} */

/**
 * Known exceptions, exact to the file on both sides. libs/testing starts apps as processes from `dist/`
 * (startChain); these three harnesses instead boot the emulator (and, for the BFF, program- and
 * pricing-service) inside the test process, so that the e2e suites run without a build and a test can use
 * Nest's testing module. Moving them onto child processes started by libs/testing is its own change; until
 * then each may import exactly the entry points listed here and nothing else of another app.
 */
const HARNESS_EXCEPTIONS = [
  {
    harness: '^libs/auth/test/support/broker-emulator[.]ts$',
    reaches: ['^apps/identity-emulator/src/emulator[.]ts$'],
  },
  {
    harness: '^apps/documents-service/test/support/documents-service[.]harness[.]ts$',
    reaches: ['^apps/identity-emulator/src/emulator[.]ts$'],
  },
  {
    harness: '^apps/bff/test/support/bff-chain[.]harness[.]ts$',
    reaches: [
      '^apps/identity-emulator/src/emulator[.]ts$',
      '^apps/program-service/src/app[.]module[.]ts$',
      '^apps/program-service/src/config/program-service[.]config[.]ts$',
      '^apps/pricing-service/src/app[.]module[.]ts$',
      '^apps/pricing-service/src/config/pricing-service[.]config[.]ts$',
    ],
  },
];
const HARNESSES = HARNESS_EXCEPTIONS.map((e) => e.harness);
/** `^apps/bff/` for a harness under apps/bff; none for a library's harness. */
const ownApp = (harness) => {
  const app = /^\^apps\/([^/]+)\//.exec(harness)?.[1];
  return app === undefined ? [] : [`^apps/${app}/`];
};

module.exports = {
  forbidden: [
    {
      name: 'libs-not-to-apps',
      comment:
        'A library never imports an app: apps depend on libs, never the reverse (libs/testing starts apps as ' +
        'processes, it does not import them).',
      severity: 'error',
      from: { path: '^libs/', pathNot: HARNESSES },
      to: { path: '^apps/' },
    },
    {
      name: 'auth-not-to-emulator',
      comment:
        'libs/auth is adopted alone, against a real Entra tenant: nothing in it, tests included, may depend on ' +
        'the identity emulator (tests reach the emulator over HTTP, through libs/testing).',
      severity: 'error',
      from: { path: '^libs/auth/', pathNot: HARNESSES },
      to: { path: '^apps/identity-emulator/' },
    },
    {
      name: 'auth-not-to-platform',
      comment:
        'libs/auth is the lower layer: libs/platform builds on it (bootstrap, filter registration), never the ' +
        'reverse, so that libs/auth can be packaged without the platform.',
      severity: 'error',
      from: { path: '^libs/auth/' },
      to: { path: '^libs/platform/' },
    },
    {
      name: 'auth-src-not-to-local-tenant-or-testing',
      comment:
        'libs/auth production code knows no local tenant and no test harness (its tests may use both: the ' +
        'registrations file and libs/testing).',
      severity: 'error',
      from: {
        path: '^libs/auth/src/',
        pathNot: ['[.]spec[.]ts$', '[.]fakes[.]ts$', '^libs/auth/src/testing/'],
      },
      to: { path: '^libs/(local-tenant|testing)/' },
    },
    {
      name: 'apps-not-to-other-apps',
      comment:
        'An app never imports another app, tests included: a test that needs another app starts it through ' +
        'libs/testing (or calls it over HTTP).',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: HARNESSES },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    ...HARNESS_EXCEPTIONS.map(({ harness, reaches }) => ({
      name: 'harness-exception-is-exact',
      comment: `${harness} may import exactly ${reaches.join(', ')} of another app (HARNESS_EXCEPTIONS)`,
      severity: 'error',
      from: { path: harness },
      to: { path: '^apps/', pathNot: [...reaches, ...ownApp(harness)] },
    })),
    {
      name: 'web-not-to-server-code',
      comment:
        'apps/web (the SPA and its static server) never imports server code: not libs/auth, not libs/platform, ' +
        'not NestJS. Shapes it shares with the services come from libs/contracts (@chain/contracts), types only.',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: {
        path: ['^libs/', '(^|/)node_modules/@nestjs/', '^@nestjs/'],
        pathNot: ['^libs/contracts/', '^libs/local-tenant/'],
      },
    },
    {
      name: 'no-deep-imports-across-parts',
      comment:
        "Between libs, and from an app into a lib, imports go through the lib's public API (its src/index.ts, " +
        'the @chain/<lib> alias), never into its internals.',
      severity: 'error',
      from: { path: '^(apps|libs)/([^/]+)/' },
      to: {
        path: '^libs/',
        pathNot: [
          '^libs/$2/',
          '^libs/[^/]+/src/index[.]ts$',
          '^libs/auth/src/testing/index[.]ts$',
          '^libs/[^/]+/[^/]+[.](yaml|json)$',
        ],
      },
    },
    {
      name: 'testing-entry-only-in-tests',
      comment:
        '@chain/auth/testing (test doubles) is for tests: specs, e2e specs, *.fakes.ts and test folders, never ' +
        'production code.',
      severity: 'error',
      from: {
        path: '^(apps|libs|bench)/',
        pathNot: ['[.](spec|e2e-spec|fakes)[.]ts$', '/test/', '^libs/auth/src/testing/'],
      },
      to: { path: '^libs/auth/src/testing/' },
    },
    {
      name: 'contracts-are-types-only',
      comment:
        'libs/contracts (@chain/contracts) holds the shapes shared with the browser: types only, importing ' +
        'nothing, so that apps/web and every service can depend on it.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { pathNot: '^libs/contracts/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|test-artifacts|[.]local)/|/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exoticRequireStrings: ['jest.requireActual', 'jest.requireMock'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    progress: { type: 'none' },
  },
};
