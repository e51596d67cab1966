import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import { type IdentityMode, registrationsFileOf } from '@chain/local-tenant';
import { baseChildEnv, type Chain, type ChildApp, launchChildApp, waitReady } from '@chain/testing';
import { type Document, isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';

/** The built web server (`npm run build:web`). */
export function webServerEntry(root: string): string {
  const entry = join(root, 'apps', 'web', 'dist', 'server.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build:web\` first`);
  return entry;
}

/**
 * A copy of the tenant file of `mode` whose `web` registration also accepts `redirectUri`: the test serves
 * the SPA on a random port, and the emulator (like Entra) matches redirect URIs exactly. Paths in the file
 * (certificates, delegation keys) are made absolute, since the copy lives in `dir`.
 */
export async function registrationsWithRedirect(
  root: string,
  dir: string,
  redirectUri: string,
  mode: IdentityMode,
): Promise<string> {
  const source = registrationsFileOf(mode, join(root, 'libs', 'local-tenant'));
  const doc = parseDocument(await readFile(source, 'utf8'));
  const apps = doc.get('applications');
  if (!isSeq(apps)) throw new Error(`${source} has no applications`);
  const web = apps.items.find((app) => isMap(app) && app.get('name') === 'web') as YAMLMap | undefined;
  if (web === undefined) throw new Error(`${source} has no \`web\` application`);
  (web.get('redirectUris') as { add(value: string): void }).add(redirectUri);
  absolutePaths(doc, dirname(source));
  const path = join(dir, `registrations.${mode}.yaml`);
  await writeFile(path, doc.toString());
  return path;
}

/** `path:` entries of certificates and delegation keys, resolved against the original file's folder. */
function absolutePaths(doc: Document, base: string): void {
  const apps = doc.get('applications');
  if (!isSeq(apps)) return;
  for (const app of apps.items) {
    if (!isMap(app)) continue;
    const certificates = app.get('certificates');
    const holders = [app.get('delegationKey'), ...(isSeq(certificates) ? certificates.items : [])];
    for (const holder of holders) {
      if (!isMap(holder)) continue;
      const path = holder.get('path');
      if (typeof path === 'string' && !isAbsolute(path)) holder.set('path', resolve(base, path));
    }
  }
}

/**
 * Starts the web server against a running chain in `mode`, with the tenant file the emulator was given:
 * the browser reaches the BFF and the emulator directly.
 */
export async function startWeb(
  root: string,
  chain: Chain,
  port: number,
  tenant: { readonly mode: IdentityMode; readonly registrationsPath: string },
): Promise<ChildApp> {
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
      IDENTITY_MODE: tenant.mode,
      EMULATOR_REGISTRATIONS: tenant.registrationsPath,
    },
    logFile: join(chain.logDir, 'web.log'),
  });
  await waitReady('web', `http://127.0.0.1:${port}`, { process: app });
  return app;
}
