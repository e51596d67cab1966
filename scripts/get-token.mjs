#!/usr/bin/env node
// Prints an access token for the BFF, obtained by signing in at the local emulator as the SPA does
// (authorization code + PKCE through its login form). Needs `npm start` running (and thus dist/ built).
//
//   TOKEN=$(node scripts/get-token.mjs alice)
//   node scripts/get-token.mjs uma --claims '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
//   node scripts/get-token.mjs bob --scope api://bff/access_as_user --claims-only   # prints the decoded claims
//
// The token goes to stdout only (for your shell); keep it out of logs and tickets.
// Env: EMULATOR_PUBLIC_URL (or EMULATOR_PORT) and EMULATOR_DATA_DIR when `npm start` ran with them;
// IDENTITY_MODE (or --identity) and REGISTRATIONS (or --registrations) as given to `npm start`.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scope: { type: 'string', multiple: true },
    claims: { type: 'string' },
    'claims-only': { type: 'boolean' },
    identity: { type: 'string' },
    registrations: { type: 'string' },
    emulator: {
      type: 'string',
      default: process.env.EMULATOR_PUBLIC_URL ?? `https://localhost:${process.env.EMULATOR_PORT ?? 8443}`,
    },
  },
});
const user = positionals[0];
if (!user) {
  process.stderr.write(
    'usage: node scripts/get-token.mjs <alice|bob|uma> [--scope <scope>] [--claims <json>] [--claims-only]\n',
  );
  process.exit(2);
}

const require = createRequire(import.meta.url);
let testing;
let tenant;
try {
  testing = require(join(root, 'dist', 'libs', 'testing', 'src', 'index.js'));
  tenant = require(join(root, 'dist', 'libs', 'local-tenant', 'src', 'index.js'));
} catch {
  process.stderr.write('dist/ is missing: run `npm start` (or `npm run build`) first\n');
  process.exit(1);
}
let mode;
let registrations;
let registrationsPath;
try {
  mode = tenant.parseIdentityMode(values.identity ?? process.env.IDENTITY_MODE);
  registrationsPath = resolve(
    values.registrations ??
      process.env.REGISTRATIONS ??
      tenant.registrationsFileOf(mode, join(root, 'libs', 'local-tenant')),
  );
  registrations = tenant.loadRegistrationsFor(mode, registrationsPath);
} catch (error) {
  process.stderr.write(`get-token: ${error.message}\n`);
  process.exit(2);
}
const caFile = join(resolve(root, process.env.EMULATOR_DATA_DIR ?? join('.local', 'emulator')), 'ca.pem');
if (!existsSync(caFile)) {
  process.stderr.write(`${caFile} is missing: start the chain first (npm start)\n`);
  process.exit(1);
}
const emulatorUrl = values.emulator.replace(/\/$/, '');
const target = {
  emulatorUrl,
  tenantId: registrations.tenants[0].id,
  identity: tenant.identityEndpoints(registrations.tenants[0], { publicUrl: emulatorUrl }),
  caPem: readFileSync(caFile, 'utf8'),
  registrations,
};
try {
  const session = await testing.signIn(target, user, {
    ...(values.scope ? { scopes: values.scope } : {}),
    ...(values.claims ? { claims: values.claims } : {}),
  });
  process.stdout.write(
    values['claims-only'] ? `${JSON.stringify(session.claims, null, 2)}\n` : `${session.accessToken}\n`,
  );
} catch (error) {
  const hint =
    error.code === 'ECONNREFUSED' ? ` (is the chain running at ${target.emulatorUrl}? npm start)` : '';
  process.stderr.write(`get-token: ${error.message}${hint}\n`);
  process.exit(1);
}
