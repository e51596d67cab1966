import type { HopClaims } from '../../shared/chain-trace';
import { decodeBase64Text } from '../api/claims-challenge';

/**
 * The claims of the SPA's own access token that the inspector shows (audience, scopes, caller, factors).
 * Decoded for display only: the SPA never validates it (that is the BFF's job) and never keeps the token.
 */
export function accessTokenClaims(token: string): HopClaims | undefined {
  const payload = token.split('.')[1];
  const text = payload === undefined ? undefined : decodeBase64Text(payload);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const claims = raw as Record<string, unknown>;
  const str = (name: string): string | undefined => {
    const value = claims[name];
    return typeof value === 'string' ? value : undefined;
  };
  const num = (name: string): number | undefined => {
    const value = claims[name];
    return typeof value === 'number' ? value : undefined;
  };
  const list = (name: string): string[] | undefined => {
    const value = claims[name];
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  };
  const picked: HopClaims = {
    aud: str('aud'),
    scp: str('scp'),
    roles: list('roles'),
    azp: str('azp'),
    oid: str('oid'),
    idtyp: str('idtyp'),
    amr: list('amr'),
    acrs: list('acrs'),
    tfp: str('tfp') ?? str('acr'),
    idp: str('idp'),
    ver: str('ver'),
    iat: num('iat'),
    exp: num('exp'),
  };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}
