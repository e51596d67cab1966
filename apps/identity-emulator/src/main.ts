import { loadRegistrationsFor } from '@chain/local-tenant';

import { parseEmulatorEnv } from './config/emulator.config';
import { startEmulator } from './emulator';

/** Starts the emulator from the environment and prints one JSON line when it listens. */
async function main(): Promise<void> {
  const config = parseEmulatorEnv();
  const emulator = await startEmulator({
    dataDir: config.dataDir,
    // With IDENTITY_MODE, a file of another tenant kind refuses to start and names the fix.
    registrations:
      config.identityMode === undefined
        ? config.registrationsPath
        : loadRegistrationsFor(config.identityMode, config.registrationsPath),
    port: config.port,
    host: config.host,
    publicUrl: config.publicUrl,
    hostnames: config.hostnames,
    testEndpoints: config.testEndpoints,
    accessTokenLifetimeSeconds: config.accessTokenLifetimeSeconds,
  });
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: 'listening', url: emulator.url, publicUrl: emulator.publicUrl, caFile: emulator.caFile, testEndpoints: config.testEndpoints })}\n`,
  );
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: (error as Error).message })}\n`);
  process.exit(1);
});
