import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { loadRegistrationsFor, localTenantDir, registrationsFileOf } from '@chain/local-tenant';

import type { SpaConfig } from '../shared/spa-config';
import { spaConfigFromEnv, spaConfigFromRegistrations } from './spa-config';
import { loadWebEnv, type WebEnv } from './web.config';
import { createWebServer } from './web-server';

/** One JSON log line, in the shape the other apps print (`{"msg":"listening","url":…}`). */
function log(level: number, msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), name: 'web', msg, ...extra })}\n`);
}

/**
 * A real tenant from `WEB_*`, else the local tenant of the identity mode: `EMULATOR_REGISTRATIONS` or the
 * mode's own file, refused (naming the fix) when its tenant is of another kind.
 */
function spaConfig(env: WebEnv): SpaConfig {
  if (env.WEB_CLIENT_ID !== undefined) return spaConfigFromEnv({ ...env, WEB_CLIENT_ID: env.WEB_CLIENT_ID });
  const file = env.EMULATOR_REGISTRATIONS ?? registrationsFileOf(env.IDENTITY_MODE, localTenantRoot());
  return spaConfigFromRegistrations(loadRegistrationsFor(env.IDENTITY_MODE, file), env);
}

/** `libs/local-tenant` from dist/server.js, so the server also starts outside the repository root. */
function localTenantRoot(): string {
  const besideBuild = join(__dirname, '../../../libs/local-tenant');
  return existsSync(join(besideBuild, 'registrations.yaml')) ? besideBuild : localTenantDir();
}

function main(): void {
  const env = loadWebEnv();
  // The bundle sits beside this file once built: dist/server.js + dist/public/.
  const server = createWebServer(join(__dirname, 'public'), spaConfig(env));
  server.on('error', (error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EADDRINUSE' ? ` (port ${env.PORT} is taken; set PORT)` : '';
    log(60, `cannot listen on ${env.HOST}:${env.PORT}: ${error.code ?? error.message}${hint}`);
    process.exit(1);
  });
  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : env.PORT;
    const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
    log(30, 'listening', { url: `http://${host}:${port}`, identityMode: env.IDENTITY_MODE });
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

try {
  main();
} catch (error) {
  log(60, error instanceof Error ? error.message : String(error));
  process.exit(1);
}
