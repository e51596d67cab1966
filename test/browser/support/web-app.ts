import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { baseChildEnv, type Chain, type ChildApp, launchChildApp, waitReady } from '@chain/testing';
import { parseDocument } from 'yaml';

/** The built web server (`npm run build:web`). */
export function webServerEntry(root: string): string {
  const entry = join(root, 'apps', 'web', 'dist', 'server.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build:web\` first`);
  return entry;
}

/**
 * A copy of the tenant file whose `web` registration also accepts `redirectUri`, for the emulator only:
 * the test serves the SPA on a random port, and the emulator (like Entra) matches redirect URIs exactly.
 */
export async function registrationsWithRedirect(
  root: string,
  dir: string,
  redirectUri: string,
): Promise<string> {
  const doc = parseDocument(await readFile(join(root, 'libs', 'local-tenant', 'registrations.yaml'), 'utf8'));
  const apps = doc.get('applications') as { items: { get(key: string): unknown }[] };
  const web = apps.items.find((app) => app.get('name') === 'web');
  if (web === undefined) throw new Error('registrations.yaml has no `web` application');
  (web.get('redirectUris') as { add(value: string): void }).add(redirectUri);
  const path = join(dir, 'registrations.yaml');
  await writeFile(path, doc.toString());
  return path;
}

/** Starts the web server against a running chain: the browser reaches the BFF and the emulator directly. */
export async function startWeb(root: string, chain: Chain, port: number): Promise<ChildApp> {
  const { app } = await launchChildApp({
    name: 'web',
    command: process.execPath,
    args: [webServerEntry(root)],
    cwd: root,
    env: {
      ...baseChildEnv(),
      HOST: '127.0.0.1',
      PORT: String(port),
      BFF_URL: chain.url('bff'),
      EMULATOR_PUBLIC_URL: chain.emulatorUrl,
    },
    logFile: join(chain.logDir, 'web.log'),
  });
  await waitReady('web', `http://127.0.0.1:${port}`, { process: app });
  return app;
}
