import type { Chain } from '@chain/testing';

/** The audiences an app accepts: its client id and App ID URIs (what its AUTH_AUDIENCES holds). */
export function audiencesOf(chain: Chain, app: string): string[] {
  const reg = chain.registrations.applications.find((a) => a.name === app);
  if (reg === undefined) throw new Error(`no application ${app}`);
  return [reg.clientId, ...reg.identifierUris];
}

/** `scp` as a list (space-separated in Entra tokens). */
export function scopesOf(claims: { readonly scp?: unknown }): string[] {
  return typeof claims['scp'] === 'string' ? claims['scp'].split(' ') : [];
}
