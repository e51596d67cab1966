import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Registrations } from '@chain/local-tenant';
import { EmulatorAdmin, type IdentityTarget, signIn } from '@chain/testing';

import { forkTs, nextMessage, stopChild } from './child-process';
import { benchRegistrations, type BenchUser, benchUsers } from './tenant';

/** The emulator running in its own process, seen from the bench. */
export interface BenchEmulator extends IdentityTarget {
  readonly authority: string;
  readonly knownAuthorities: string[];
  readonly users: readonly BenchUser[];
  readonly admin: EmulatorAdmin;
  /** Signs every user in through the login form (auth code + PKCE, as the SPA); tokens by oid. */
  signInAll(users?: readonly BenchUser[], concurrency?: number): Promise<Map<string, string>>;
  /**
   * Every generated user's bff access token as the login would issue it, minted by the emulator process
   * itself (its token factory and key): thousands of users in seconds. Tokens by oid.
   */
  mintUserTokens(): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

export interface BenchEmulatorOptions {
  readonly users: number;
  /** EMULATOR_ACCESS_TOKEN_LIFETIME_SECONDS; default the emulator's 3599. */
  readonly lifetimeSeconds?: number;
}

export function emulatorDataDir(): string {
  const dir = process.env['BENCH_EMULATOR_DATA_DIR'];
  if (!dir) throw new Error('BENCH_EMULATOR_DATA_DIR is not set: run the figure through `npm run bench`');
  return dir;
}

export async function startBenchEmulator(options: BenchEmulatorOptions): Promise<BenchEmulator> {
  const dataDir = emulatorDataDir();
  const child = forkTs(join(__dirname, 'emulator-main.ts'), {
    BENCH_EMULATOR_USERS: String(options.users),
    BENCH_EMULATOR_LIFETIME_SECONDS: String(options.lifetimeSeconds ?? 0),
  });
  const ready = await nextMessage<{ type: 'ready'; publicUrl: string }>(child, 'ready', 30_000).catch(
    async (error: unknown) => {
      await stopChild(child);
      throw error;
    },
  );
  const registrations: Registrations = benchRegistrations(options.users);
  const tenantId = registrations.tenants[0]!.id;
  const caPem = readFileSync(join(dataDir, 'ca.pem'), 'utf8');
  const target: IdentityTarget = { emulatorUrl: ready.publicUrl, tenantId, caPem, registrations };
  const users = benchUsers(options.users);
  return {
    ...target,
    authority: `${ready.publicUrl}/${tenantId}`,
    knownAuthorities: [new URL(ready.publicUrl).host],
    users,
    admin: new EmulatorAdmin(ready.publicUrl, caPem),
    signInAll: async (which = users, concurrency = 8) => {
      const tokens = new Map<string, string>();
      for (let i = 0; i < which.length; i += concurrency) {
        const batch = which.slice(i, i + concurrency);
        const signedIn = await Promise.all(batch.map((u) => signIn(target, u.username)));
        batch.forEach((u, j) => tokens.set(u.oid, signedIn[j]!.accessToken));
      }
      return tokens;
    },
    mintUserTokens: async () => {
      const answer = nextMessage<{ type: 'user-tokens'; tokens?: Record<string, string>; error?: string }>(
        child,
        'user-tokens',
        120_000,
      );
      child.send({ type: 'mint-user-tokens' });
      const { tokens, error } = await answer;
      if (tokens === undefined)
        throw new Error(`the emulator could not mint tokens: ${error ?? 'no answer'}`);
      return new Map(Object.entries(tokens));
    },
    stop: () => stopChild(child),
  };
}
