import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { loadRegistrations, RegistrationsError } from './load-registrations';
import { type Registrations, TenantKind } from './registrations.schema';

/**
 * The identity modes the chain runs in, one per kind of tenant (docs/identity-modes.md): workforce
 * Entra ID, Entra External ID (on-behalf-of supported) and Azure AD B2C (no on-behalf-of: verified
 * delegation instead).
 */
export const IdentityMode = TenantKind;
export type IdentityMode = TenantKind;

/** Every mode name, in the order the docs list them. */
export const IDENTITY_MODES: readonly IdentityMode[] = Object.values(IdentityMode);

/** The environment variable that selects the mode (`npm start`, the test harness, docker-compose). */
export const IDENTITY_MODE_VARIABLE = 'IDENTITY_MODE';

/** Thrown for a mode name that does not exist, or a registrations file whose tenant is of another kind. */
export class IdentityModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityModeError';
  }
}

/** Validates a mode name given on the command line or in {@link IDENTITY_MODE_VARIABLE}. */
export function parseIdentityMode(value: string | undefined, source = IDENTITY_MODE_VARIABLE): IdentityMode {
  const mode = (value ?? '').trim() || IdentityMode.Entra;
  if ((IDENTITY_MODES as readonly string[]).includes(mode)) return mode as IdentityMode;
  throw new IdentityModeError(
    `${source}: unknown identity mode "${mode}"; use one of ${IDENTITY_MODES.join(', ')} (e.g. ${IDENTITY_MODE_VARIABLE}=b2c or npm start -- --identity b2c)`,
  );
}

/** The local registrations file of `mode`: `registrations.yaml` (entra) or `registrations.<mode>.yaml`. */
export function registrationsFileOf(mode: IdentityMode, root = localTenantDir()): string {
  return join(root, mode === IdentityMode.Entra ? 'registrations.yaml' : `registrations.${mode}.yaml`);
}

/**
 * Loads `file` (default: the mode's own file) and checks that its first tenant is of the mode's kind,
 * so that a file of the wrong kind refuses to start with the fix named.
 */
export function loadRegistrationsFor(mode: IdentityMode, file = registrationsFileOf(mode)): Registrations {
  const reg = loadRegistrations(file);
  assertModeOf(reg, mode, file);
  return reg;
}

/** Refuses registrations whose (first) tenant is not of `mode`'s kind. */
export function assertModeOf(reg: Registrations, mode: IdentityMode, file: string): void {
  const kind = reg.tenants[0]?.kind;
  if (kind === mode) return;
  throw new RegistrationsError(file, [
    `tenants[0].kind is ${kind}, but the identity mode is ${mode}: give a registrations file of kind ${mode} (e.g. ${registrationsFileOf(mode)}) or select ${IDENTITY_MODE_VARIABLE}=${kind}`,
  ]);
}

/** `libs/local-tenant` in the repository (from the sources or from `dist/`). */
export function localTenantDir(): string {
  const candidates = [
    resolve(process.cwd(), 'libs/local-tenant'),
    resolve(__dirname, '..'),
    resolve(__dirname, '../../../../libs/local-tenant'),
  ];
  return candidates.find((c) => existsSync(join(c, 'registrations.yaml'))) ?? (candidates[0] as string);
}
