import { type AppUnderTest, callerOf, resourceServerOf } from '../chain-under-test';
import type { DoctorContext } from '../doctor-context';
import { CheckName, fail, type Finding, pass, skip } from '../findings';
import { type Fetched, jsonOf, type Trust, trustOf } from '../https-probe';

/** A discovery document an app depends on: its own authority (MSAL) or the issuer it validates. */
interface DiscoveryTarget {
  readonly url: string;
  readonly role: 'caller' | 'resource';
}

/** What the endpoint checks of one app found, and whether its TLS trust held (later checks need it). */
export interface EndpointResult {
  readonly findings: Finding[];
  /** The app's authority answered over a trusted connection: token requests can be tried. */
  readonly reachable: boolean;
  /** The issuer the tenant's discovery document names (for the token checks). */
  readonly issuer?: string;
}

const SUFFIX = '/v2.0/.well-known/openid-configuration';

/** `<authority>/v2.0/.well-known/openid-configuration` of the authority an app's keys URI lives under. */
export function authorityOfKeys(jwksUri: string): string | undefined {
  const match = /^(.*)\/discovery\/v2\.0\/keys\/?$/.exec(jwksUri);
  return match?.[1];
}

/** The first discovery URL an app depends on (its authority, else its issuer's), for the clock check. */
export function discoveryUrlOf(app: AppUnderTest): string | undefined {
  return discoveryTargets(app)[0]?.url;
}

function discoveryTargets(app: AppUnderTest): DiscoveryTarget[] {
  const targets: DiscoveryTarget[] = [];
  const authority = callerOf(app)?.authority;
  if (authority !== undefined)
    targets.push({ url: `${authority.replace(/\/+$/, '')}${SUFFIX}`, role: 'caller' });
  const rs = resourceServerOf(app);
  const rsAuthority =
    (rs?.jwksUri === undefined ? undefined : authorityOfKeys(rs.jwksUri)) ??
    rs?.authority ??
    rs?.issuers[0]?.replace(/\/v2\.0\/?$/, '');
  if (rsAuthority !== undefined)
    targets.push({ url: `${rsAuthority.replace(/\/+$/, '')}${SUFFIX}`, role: 'resource' });
  return targets;
}

/**
 * TLS trust, discovery, issuer and signing keys of one app, as the app itself would reach them (its
 * NODE_EXTRA_CA_CERTS, its URLs).
 */
export async function checkEndpoints(app: AppUnderTest, ctx: DoctorContext): Promise<EndpointResult> {
  const where = { app: app.name };
  const targets = discoveryTargets(app);
  const first = targets[0];
  if (first === undefined)
    return {
      findings: [skip(CheckName.Discovery, where, 'no AUTH_AUTHORITY or AUTH_ISSUERS: nothing to reach')],
      reachable: false,
    };
  const trust = trustOf(app.env['NODE_EXTRA_CA_CERTS']);
  const trustFinding = checkTrust(app, first.url, await ctx.get(first.url, trust), trust, ctx);
  if (trustFinding?.status === 'fail') return { findings: [trustFinding], reachable: false };
  const findings: Finding[] = trustFinding === undefined ? [] : [trustFinding];
  let issuer: string | undefined;
  let reachable = true;
  for (const [url, roles] of rolesByUrl(targets)) {
    const fetched = await ctx.get(url, trust);
    const document = discoveryDocument(fetched);
    findings.push(discoveryFinding(app, url, roles, fetched, document));
    if (document === undefined) {
      reachable = false;
      continue;
    }
    if (roles.has('caller')) findings.push(...knownAuthorityFindings(app, url, document.issuer));
    if (roles.has('resource')) {
      issuer = document.issuer;
      findings.push(issuerFinding(app, document.issuer, url));
    }
  }
  const keys = await keysFinding(app, trust, ctx);
  if (keys !== undefined) findings.push(keys);
  return { findings, reachable, ...(issuer ? { issuer } : {}) };
}

type Role = DiscoveryTarget['role'];

/** One fetch per distinct URL (a caller that validates tokens of the same tenant has one authority). */
function rolesByUrl(targets: readonly DiscoveryTarget[]): Map<string, Set<Role>> {
  const byUrl = new Map<string, Set<Role>>();
  for (const t of targets) byUrl.set(t.url, (byUrl.get(t.url) ?? new Set<Role>()).add(t.role));
  return byUrl;
}

function checkTrust(
  app: AppUnderTest,
  url: string,
  fetched: Fetched,
  trust: Trust,
  ctx: DoctorContext,
): Finding | undefined {
  const where = { app: app.name, subject: 'NODE_EXTRA_CA_CERTS' };
  const host = new URL(url).host;
  if (!url.startsWith('https:'))
    return skip(CheckName.Trust, where, `${host} is reached over plain http: no TLS to trust`);
  if (!fetched.ok && fetched.tlsCode !== undefined) {
    const has =
      trust.caFile === undefined
        ? 'has no NODE_EXTRA_CA_CERTS'
        : `trusts ${trust.caFile}${trust.problem ? ` (${trust.problem})` : ''}`;
    return fail(
      CheckName.Trust,
      where,
      `${app.name} cannot verify the TLS certificate of ${host} (${fetched.tlsCode}): Node trusts its bundled root CAs plus the file in NODE_EXTRA_CA_CERTS, and ${app.name} ${has}. Every token request and key download would fail the same way.`,
      `start ${app.name} with ${ctx.caFix()} (Node reads it at start only). Never turn TLS verification off.`,
    );
  }
  if (!fetched.ok) return undefined; // unreachable: the discovery finding says so
  const how =
    trust.caFile === undefined ? 'with the bundled root CAs' : `through NODE_EXTRA_CA_CERTS=${trust.caFile}`;
  return pass(CheckName.Trust, where, `${app.name} trusts the TLS certificate of ${host} ${how}`);
}

interface DiscoveryDocument {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly token_endpoint: string;
}

function discoveryDocument(fetched: Fetched): DiscoveryDocument | undefined {
  const json = fetched.ok && fetched.status === 200 ? jsonOf(fetched) : undefined;
  const { issuer, jwks_uri, token_endpoint } = json ?? {};
  return typeof issuer === 'string' && typeof jwks_uri === 'string' && typeof token_endpoint === 'string'
    ? { issuer, jwks_uri, token_endpoint }
    : undefined;
}

function discoveryFinding(
  app: AppUnderTest,
  url: string,
  roles: ReadonlySet<Role>,
  fetched: Fetched,
  document: DiscoveryDocument | undefined,
): Finding {
  const variable = roles.has('caller') ? 'AUTH_AUTHORITY' : 'AUTH_JWKS_URI';
  const where = { app: app.name, subject: variable };
  if (document !== undefined)
    return pass(CheckName.Discovery, where, `${url} answers (issuer ${document.issuer})`);
  const seen = fetched.ok
    ? `answered HTTP ${fetched.status} without a discovery document`
    : `is unreachable (${fetched.error})`;
  return fail(
    CheckName.Discovery,
    where,
    `${url} ${seen}: ${roles.has('caller') ? 'MSAL cannot resolve the authority, so no token can be acquired' : 'the tenant behind the keys URI cannot be confirmed'}.`,
    `check ${variable} of ${app.name} (the tenant id or domain, the host and port) and that the identity provider runs (local: npm start)`,
    fetched.ok && fetched.status === 400 ? 'AADSTS90002' : undefined,
  );
}

/** MSAL accepts a discovery issuer on another host only when that host is a known authority (External ID). */
function knownAuthorityFindings(app: AppUnderTest, url: string, issuer: string): Finding[] {
  const authorityHost = new URL(url).host;
  const issuerHost = hostOf(issuer);
  const known = callerOf(app)?.knownAuthorities ?? [];
  if (issuerHost === undefined || issuerHost === authorityHost || known.includes(issuerHost)) return [];
  return [
    fail(
      CheckName.Discovery,
      { app: app.name, subject: 'AUTH_KNOWN_AUTHORITIES' },
      `the discovery document of ${authorityHost} names issuer host ${issuerHost}, which is neither the authority host nor in AUTH_KNOWN_AUTHORITIES: MSAL refuses the authority.`,
      `AUTH_KNOWN_AUTHORITIES=${[...new Set([...known, authorityHost, issuerHost])].join(',')}`,
    ),
  ];
}

function issuerFinding(app: AppUnderTest, issuer: string, url: string): Finding {
  const rs = resourceServerOf(app);
  const accepted = (rs?.issuers ?? []).flatMap((i) => expandTemplate(i, rs?.allowedTenants ?? []));
  const where = { app: app.name, subject: 'AUTH_ISSUERS' };
  if (accepted.includes(issuer))
    return pass(CheckName.Issuer, where, `${app.name} accepts the tenant's issuer ${issuer}`);
  return fail(
    CheckName.Issuer,
    where,
    `the tenant's tokens carry iss=${issuer} (from ${url}), but ${app.name} accepts only ${(rs?.issuers ?? []).join(', ')}: it would refuse every token with 401 invalid_token.`,
    `AUTH_ISSUERS=${issuer} for ${app.name}`,
  );
}

function expandTemplate(issuer: string, tenants: readonly string[]): string[] {
  return issuer.includes('{tenantid}') ? tenants.map((t) => issuer.replace('{tenantid}', t)) : [issuer];
}

async function keysFinding(
  app: AppUnderTest,
  trust: Trust,
  ctx: DoctorContext,
): Promise<Finding | undefined> {
  const jwksUri = resourceServerOf(app)?.jwksUri;
  if (jwksUri === undefined) return undefined;
  const where = { app: app.name, subject: 'AUTH_JWKS_URI' };
  const fetched = await ctx.get(jwksUri, trust);
  const keys = jsonOf(fetched)?.['keys'];
  const usable = Array.isArray(keys)
    ? keys.filter(
        (k: unknown) => typeof k === 'object' && k !== null && (k as { kty?: unknown }).kty === 'RSA',
      )
    : [];
  if (fetched.ok && fetched.status === 200 && usable.length > 0)
    return pass(CheckName.Keys, where, `${jwksUri} publishes ${usable.length} RSA signing key(s)`);
  const seen = fetched.ok
    ? `answered HTTP ${fetched.status} with no RSA key`
    : `is unreachable (${fetched.error})`;
  return fail(
    CheckName.Keys,
    where,
    `${jwksUri} ${seen}: ${app.name} could verify no token (503 signing_keys_unavailable).`,
    `AUTH_JWKS_URI of ${app.name} must be the jwks_uri of the tenant's discovery document`,
  );
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
