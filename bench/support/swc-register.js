'use strict';
/*
 * Require hook for the bench processes: TypeScript through SWC with the repository's .swcrc (legacy
 * decorators + decorator metadata, which Nest's constructor injection needs and tsx/esbuild does not emit),
 * and the `@chain/*` path aliases of tsconfig.json mapped to each lib's barrel.
 * Used as `node -r ./bench/support/swc-register.js <file>.ts`.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');

const { transformSync, version } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const aliases = {
  '@chain/auth': 'libs/auth/src/index.ts',
  '@chain/platform': 'libs/platform/src/index.ts',
  '@chain/local-tenant': 'libs/local-tenant/src/index.ts',
  '@chain/testing': 'libs/testing/src/index.ts',
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  const alias = aliases[request];
  return resolveFilename.call(this, alias === undefined ? request : path.join(root, alias), ...rest);
};

// Compiled output is cached by content hash: the bench starts a dozen processes that load the same files.
const cacheDir = path.join(os.tmpdir(), `entra-api-chain-bench-swc-${version}`);
fs.mkdirSync(cacheDir, { recursive: true });
const options = JSON.stringify(swcrc);

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(options).update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(source, { ...swcrc, swcrc: false, filename, sourceMaps: 'inline' }).code;
    const partial = `${cached}.${process.pid}`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  }
  module._compile(code, filename);
};
