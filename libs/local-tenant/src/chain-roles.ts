import {
  type ApplicationRegistration,
  CHAIN_ROLES,
  type ChainRole,
  type Registrations,
} from './registrations.schema';

/**
 * The part of the chain an application plays: its `role`, else its `name` when that names a part (the
 * local files name each application after its part), else none (an application outside the chain's parts,
 * such as a partner client or a downstream a fork adds).
 */
export function roleOf(app: Pick<ApplicationRegistration, 'name' | 'role'>): ChainRole | undefined {
  if (app.role !== undefined) return app.role;
  return (CHAIN_ROLES as readonly string[]).includes(app.name) ? app.name : undefined;
}

/**
 * The application that plays `part` (a chain role such as `bff`), else the one named `part`: what the
 * launchers, the harness and the helpers of the tests look up, so that a tenant file may name its
 * applications as it likes. Throws naming what is missing.
 */
export function applicationFor(registrations: Registrations, part: string): ApplicationRegistration {
  const found =
    registrations.applications.find((a) => roleOf(a) === part) ??
    registrations.applications.find((a) => a.name === part);
  if (found === undefined)
    throw new Error(
      `registrations: no application plays ${part} (give one \`role: ${part}\`, or name it ${part})`,
    );
  return found;
}
