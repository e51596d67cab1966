/**
 * Preloaded (`node -r`) into an app of this repository started from its TypeScript source as its own
 * process by the e2e tests: each `.ts` file is compiled by SWC with the repository's .swcrc (legacy
 * decorators + decorator metadata, which Nest's injection needs and esbuild/tsx do not emit), and the
 * `@chain/*` aliases resolve to `libs/<lib>/src` as in tsconfig.json. Nothing else changes: the app
 * boots through its real main.ts.
 */
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..', '..', '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const aliases = {
  '@chain/auth': 'libs/auth/src',
  '@chain/platform': 'libs/platform/src',
  '@chain/local-tenant': 'libs/local-tenant/src',
  '@chain/testing': 'libs/testing/src',
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = aliases[request];
  return resolveFilename.call(this, alias === undefined ? request : path.join(root, alias), ...rest);
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcrc, swcrc: false, filename, sourceMaps: 'inline' });
  module._compile(code, filename);
};
