import { timingSafeEqual } from 'node:crypto';

import { decode, verify } from 'jsonwebtoken';

import type { EmulatorRequest } from '../common/http-kit';
import type { AppView, CertificateCredential, Directory, TenantView } from '../tenant/directory';
import { ClientAuthMethod } from '../tokens/token-factory';
import { EntraError, OAuthError } from './entra-error';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AuthenticatedClient {
  readonly app: AppView;
  readonly method: ClientAuthMethod;
}

export interface ClientAuthContext {
  readonly directory: Directory;
  readonly nowSeconds: () => number;
  /** Host names (without port) a client assertion's `aud` may name. */
  readonly hostnames: ReadonlySet<string>;
}

interface PresentedCredentials {
  readonly clientId: string | undefined;
  readonly secret: string | undefined;
  readonly assertion: string | undefined;
  readonly assertionType: string | undefined;
}

/** Client authentication at the token endpoint: none (public), secret in body or Basic, or private_key_jwt. */
export function authenticateClient(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: ClientAuthContext,
): AuthenticatedClient {
  const presented = credentialsOf(req);
  if (presented.clientId === undefined || presented.clientId === '') {
    throw new EntraError(
      OAuthError.InvalidRequest,
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const app = appAt(tenant, presented.clientId, ctx.directory);
  if (app.isPublic) {
    if (presented.secret !== undefined || presented.assertion !== undefined) {
      throw new EntraError(
        OAuthError.InvalidClient,
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
      );
    }
    return { app, method: ClientAuthMethod.None };
  }
  if (presented.assertion !== undefined) {
    // A federated assertion (workload identity) was verified before the grant ran (federated-credential.ts).
    if (req.federatedClientId === app.clientId) return { app, method: ClientAuthMethod.Certificate };
    verifyClientAssertion(presented, app, tenant, ctx);
    return { app, method: ClientAuthMethod.Certificate };
  }
  if (presented.secret !== undefined) {
    verifySecret(presented.secret, app, ctx.nowSeconds());
    return { app, method: ClientAuthMethod.Secret };
  }
  throw new EntraError(
    OAuthError.InvalidClient,
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

/**
 * The client, if it can be used at this authority: registered in the tenant or multi-tenant (AADSTS700016),
 * and at `/organizations` or `/common` multi-tenant (AADSTS50194).
 */
export function appAt(tenant: TenantView, clientId: string, directory: Directory): AppView {
  const app = directory.appIn(tenant, clientId);
  if (app !== undefined) return app;
  const registered = directory.app(clientId);
  if (tenant.authority !== undefined && registered !== undefined) throw notMultiTenant(registered);
  throw appNotFound(clientId, tenant);
}

/** AADSTS50194: a single-tenant app at `/common` or `/organizations` (Entra's message, as reported in public issues). */
export function notMultiTenant(app: AppView): EntraError {
  return new EntraError(
    OAuthError.InvalidRequest,
    50194,
    `Application '${app.clientId}'(${app.reg.displayName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
  );
}

export function appNotFound(clientId: string, tenant: TenantView): EntraError {
  return new EntraError(
    OAuthError.UnauthorizedClient,
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${tenant.reg.name}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  );
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function credentialsOf(req: EmulatorRequest): PresentedCredentials {
  const form = req.form;
  const authorization = req.headers.authorization;
  let basicId: string | undefined;
  let basicSecret: string | undefined;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      basicSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    }
  }
  return {
    clientId: form.get('client_id') ?? basicId,
    secret: form.get('client_secret') ?? basicSecret,
    assertion: form.get('client_assertion') ?? undefined,
    assertionType: form.get('client_assertion_type') ?? undefined,
  };
}

function verifySecret(secret: string, app: AppView, nowSeconds: number): void {
  const given = Buffer.from(secret);
  const match = app.reg.secrets.find((s) => {
    const expected = Buffer.from(s.value);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (match === undefined) {
    throw new EntraError(
      OAuthError.InvalidClient,
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    );
  }
  if (match.expiresAt !== undefined && Date.parse(match.expiresAt) / 1000 < nowSeconds) {
    throw new EntraError(
      OAuthError.InvalidClient,
      7000222,
      `The provided client secret keys for app '${app.clientId}' are expired.`,
    );
  }
}

function verifyClientAssertion(
  presented: PresentedCredentials,
  app: AppView,
  tenant: TenantView,
  ctx: ClientAuthContext,
): void {
  if (presented.assertionType !== CLIENT_ASSERTION_TYPE) {
    throw new EntraError(
      OAuthError.InvalidRequest,
      900144,
      "The request body must contain the following parameter: 'client_assertion_type'.",
    );
  }
  const assertion = presented.assertion as string;
  const certificate = certificateFor(assertion, app);
  checkValidity(certificate, ctx.nowSeconds() * 1000);
  let payload: Record<string, unknown>;
  try {
    payload = verify(assertion, certificate.publicKey, {
      algorithms: ['RS256', 'PS256'],
      clockTimestamp: ctx.nowSeconds(),
      clockTolerance: 300,
    }) as Record<string, unknown>;
  } catch (error) {
    if ((error as Error).name === 'TokenExpiredError' || (error as Error).name === 'NotBeforeError') {
      throw new EntraError(
        OAuthError.InvalidClient,
        700024,
        'Client assertion is not within its valid time range.',
      );
    }
    throw invalidAssertionSignature('The signature did not verify');
  }
  if (
    payload['iss'] !== app.clientId ||
    payload['sub'] !== app.clientId ||
    typeof payload['exp'] !== 'number'
  ) {
    throw new EntraError(
      OAuthError.InvalidClient,
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
  }
  if (!audienceIsTokenEndpoint(payload['aud'], tenant, ctx.hostnames)) {
    throw new EntraError(
      OAuthError.InvalidClient,
      700027,
      'Client assertion failed signature validation. [Reason - The audience is not the token endpoint of this tenant.]',
    );
  }
}

function certificateFor(assertion: string, app: AppView): CertificateCredential {
  const decoded = decode(assertion, { complete: true });
  if (decoded === null || typeof decoded.payload === 'string') {
    throw new EntraError(OAuthError.InvalidClient, 50027, 'JWT token is invalid or malformed.');
  }
  const header = decoded.header as unknown as Record<string, unknown>;
  const x5t = header['x5t'];
  const x5tS256 = header['x5t#S256'];
  const found = app.certificates.find((c) => c.x5t === x5t || c.x5tS256 === x5tS256);
  if (found === undefined) {
    const thumbprint = typeof x5tS256 === 'string' ? x5tS256 : typeof x5t === 'string' ? x5t : 'none';
    throw invalidAssertionSignature(
      `The key was not found., Thumbprint of key used by client: '${thumbprint}'`,
    );
  }
  return found;
}

/**
 * A certificate credential outside its validity window is refused like a real expired key: AADSTS700027
 * "The key used is expired." with the SHA-1 thumbprint and the key's window (a public Entra answer).
 */
function checkValidity(certificate: CertificateCredential, nowMs: number): void {
  if (nowMs >= certificate.validFromMs && nowMs <= certificate.validToMs) return;
  const thumbprint = Buffer.from(certificate.x5t, 'base64url').toString('hex').toUpperCase();
  const window = `Start=${entraDate(certificate.validFromMs)}, End=${entraDate(certificate.validToMs)}`;
  const state = nowMs > certificate.validToMs ? 'expired' : 'not yet valid';
  throw invalidAssertionSignature(
    `The key used is ${state}., Thumbprint of key used by client: '${thumbprint}', Found key '${window}'`,
  );
}

/** `01/28/2019 16:00:00` (UTC), as Entra prints a key's dates. */
function entraDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function invalidAssertionSignature(reason: string): EntraError {
  return new EntraError(
    OAuthError.InvalidClient,
    700027,
    `Client assertion contains an invalid signature. [Reason - ${reason}.]`,
  );
}

function audienceIsTokenEndpoint(aud: unknown, tenant: TenantView, hostnames: ReadonlySet<string>): boolean {
  const audiences = Array.isArray(aud) ? aud : [aud];
  return audiences.some((value) => {
    if (typeof value !== 'string') return false;
    try {
      const url = new URL(value);
      const path = url.pathname.toLowerCase().replace(/\/$/, '');
      const tenantKeys = [tenant.id, tenant.reg.domain.toLowerCase()];
      const paths = tenantKeys.flatMap((t) => [`/${t}/oauth2/v2.0/token`, `/${t}/oauth2/token`]);
      return (
        url.protocol === 'https:' &&
        hostnames.has(url.hostname.replace(/^\[|\]$/g, '')) &&
        paths.includes(path)
      );
    } catch {
      return false;
    }
  });
}
