import { join } from 'node:path';

import { type ChildApp, launchChildApp } from './child-app';

/** Options of {@link launchAzurite}. */
export interface AzuriteOptions {
  readonly root: string;
  readonly env: Readonly<Record<string, string>>;
  /** 0 = a random port. */
  readonly port: number;
  readonly logFile?: string;
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly onSpawn?: (app: ChildApp) => void;
}

/** `Azurite Blob service successfully listens on http://127.0.0.1:10000` → the URL. */
export function azuriteUrlOf(line: string): string | undefined {
  return /successfully listens on (http:\/\/\S+)/.exec(line)?.[1];
}

/**
 * Azurite's blob service in memory (docs/running.md: 3.35.0 is the last release for Node 20; telemetry off
 * because this machine has no network). Resolves with the blob endpoint of the development account.
 */
export async function launchAzurite(
  options: AzuriteOptions,
): Promise<{ app: ChildApp; blobEndpoint: string }> {
  const bin = join(options.root, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
  const args = [bin, '--inMemoryPersistence', '--blobHost', '127.0.0.1', '--blobPort', String(options.port)];
  const { app, url } = await launchChildApp({
    name: 'azurite',
    command: process.execPath,
    args: [...args, '--skipApiVersionCheck', '--disableTelemetry'],
    cwd: options.root,
    env: options.env,
    listening: azuriteUrlOf,
    ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
    ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
    ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
  });
  return { app, blobEndpoint: `${url}/devstoreaccount1` };
}
