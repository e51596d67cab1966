import { startEmulator } from '../../apps/identity-emulator/src/emulator';
import { SigningKeyStore } from '../../apps/identity-emulator/src/keys/signing-key-store';
import { Directory } from '../../apps/identity-emulator/src/tenant/directory';
import {
  ClientAuthMethod,
  realmOf,
  TokenFactory,
} from '../../apps/identity-emulator/src/tokens/token-factory';
import { benchRegistrations, benchUsers } from './tenant';

/*
 * The identity emulator as its own process for the bench (forked by emulator-process.ts): the project's
 * tenant plus BENCH_EMULATOR_USERS generated users, test endpoints on, loopback only, the prepared data
 * folder (CA, server certificate, signing keys). `--prepare` creates that material and exits.
 *
 * On `{ type: 'mint-user-tokens' }` it answers `{ type: 'user-tokens', tokens }`: for every generated user,
 * the access token for the bff that signing in through the SPA would give (the emulator's own token factory
 * and signing key, `scp access_as_user`), so that a figure can have thousands of signed-in users without
 * thousands of login forms. The tokens travel over the IPC channel only.
 */
async function main(): Promise<void> {
  const dataDir = process.env['BENCH_EMULATOR_DATA_DIR'];
  if (!dataDir) throw new Error('BENCH_EMULATOR_DATA_DIR is not set (run through scripts/bench.mjs)');
  const lifetime = Number(process.env['BENCH_EMULATOR_LIFETIME_SECONDS'] ?? '0');
  const userCount = Number(process.env['BENCH_EMULATOR_USERS'] ?? '0');
  const registrations = benchRegistrations(userCount);
  const emulator = await startEmulator({
    dataDir,
    registrations,
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
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'mint-user-tokens') return;
    mintUserTokens(dataDir, registrations, emulator.issuerFor, userCount, lifetime).then(
      (tokens) => process.send?.({ type: 'user-tokens', tokens }),
      (error: unknown) => process.send?.({ type: 'user-tokens', error: String(error) }),
    );
  });
  process.send?.({ type: 'ready', publicUrl: emulator.publicUrl });
}

/** One bff access token per generated user, by oid, signed with the emulator's active key. */
async function mintUserTokens(
  dataDir: string,
  registrations: ReturnType<typeof benchRegistrations>,
  issuerFor: (tid: string) => string,
  userCount: number,
  lifetimeSeconds: number,
): Promise<Record<string, string>> {
  const directory = new Directory(registrations);
  const tenant = directory.tenants()[0];
  const web = directory.appByName('web');
  const bff = directory.appByName('bff');
  if (tenant === undefined || web === undefined || bff === undefined)
    throw new Error('tenant, web or bff missing');
  const factory = new TokenFactory({
    keys: await SigningKeyStore.open(dataDir),
    issuerFor,
    accessTokenLifetimeSeconds: lifetimeSeconds > 0 ? lifetimeSeconds : 3_599,
    nowSeconds: () => Math.floor(Date.now() / 1_000),
  });
  const tokens: Record<string, string> = {};
  for (const user of benchUsers(userCount)) {
    tokens[user.oid] = factory.userAccessToken({
      realm: realmOf(tenant),
      client: web,
      clientAuth: ClientAuthMethod.None,
      resource: bff,
      user: { oid: user.oid, name: user.username, username: user.username, amr: ['pwd'], acrs: [] },
      scopes: ['access_as_user'],
      roles: [],
    });
  }
  return tokens;
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
