import { startEmulator } from '../../apps/identity-emulator/src/emulator';
import { benchRegistrations } from './tenant';

/*
 * The identity emulator as its own process for the bench (forked by emulator-process.ts): the project's
 * tenant plus BENCH_EMULATOR_USERS generated users, test endpoints on, loopback only, the prepared data
 * folder (CA, server certificate, signing keys). `--prepare` creates that material and exits.
 */
async function main(): Promise<void> {
  const dataDir = process.env['BENCH_EMULATOR_DATA_DIR'];
  if (!dataDir) throw new Error('BENCH_EMULATOR_DATA_DIR is not set (run through scripts/bench.mjs)');
  const lifetime = Number(process.env['BENCH_EMULATOR_LIFETIME_SECONDS'] ?? '0');
  const emulator = await startEmulator({
    dataDir,
    registrations: benchRegistrations(Number(process.env['BENCH_EMULATOR_USERS'] ?? '0')),
    testEndpoints: true,
    ...(lifetime > 0 ? { accessTokenLifetimeSeconds: lifetime } : {}),
  });
  if (process.argv.includes('--prepare')) {
    await emulator.close();
    return;
  }
  const stop = (): void => void emulator.close().finally(() => process.exit(0));
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.send?.({ type: 'ready', publicUrl: emulator.publicUrl });
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
