import { get } from 'node:https';

import type { FederatedCredentialRegistration } from '@chain/local-tenant';
import { decode, type JwtPayload, verify } from 'jsonwebtoken';
import { JwksClient, SigningKeyNotFoundError } from 'jwks-rsa';

import type { EmulatorRequest } from '../common/http-kit';
import type { AppView, Directory, TenantView } from '../tenant/directory';
import { CLIENT_ASSERTION_TYPE } from './client-auth';
import { EntraError, OAuthError } from './entra-error';

/** Where Microsoft documents workload identity federation; Entra's AADSTS7002xx messages link it. */
const FEDERATION_DOC = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
const CHECK = `Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FEDERATION_DOC}`;
/** How long an issuer's discovery document is reused before it is fetched again. */
const METADATA_TTL_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/** What the token endpoint needs to verify a federated assertion. */
export interface FederationContext {
  readonly directory: Directory;
  readonly nowSeconds: () => number;
  readonly federation: FederatedIssuers;
}

/**
 * The OIDC issuers of federated credentials, as Entra ID reaches them: `<issuer>/.well-known/openid-configuration`
 * over HTTPS (Node's CAs plus `NODE_EXTRA_CA_CERTS`; TLS is never relaxed), then its `jwks_uri`. Discovery
 * is cached for five minutes; the keys by jwks-rsa, which fetches again when a token names a `kid` it has
 * not seen — so an issuer that rotates its signing key is followed at once.
 */
export class FederatedIssuers {
  private readonly issuers = new Map<string, { client: JwksClient; fetchedAtMs: number }>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** The public key `kid` of `issuer`. @throws EntraError AADSTS7000272 when the issuer does not publish it. */
  async signingKey(issuer: string, kid: string | undefined): Promise<string> {
    const client = await this.clientFor(issuer);
    try {
      return (await client.getSigningKey(kid)).getPublicKey();
    } catch (error) {
      if (error instanceof SigningKeyNotFoundError || kid === undefined)
        throw keyNotInMetadata(kid ?? 'none', issuer);
      throw metadataUnavailable(issuer, (error as Error).message);
    }
  }

  private async clientFor(issuer: string): Promise<JwksClient> {
    const cached = this.issuers.get(issuer);
    if (cached !== undefined && this.nowMs() - cached.fetchedAtMs < METADATA_TTL_MS) return cached.client;
    const discoveryUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(await fetchText(discoveryUrl)) as Record<string, unknown>;
    } catch (error) {
      throw metadataUnavailable(issuer, `${discoveryUrl}: ${(error as Error).message}`);
    }
    if (document['issuer'] !== issuer)
      throw metadataUnavailable(issuer, `${discoveryUrl} names the issuer ${String(document['issuer'])}`);
    const jwksUri = document['jwks_uri'];
    if (typeof jwksUri !== 'string' || !jwksUri.startsWith('https://'))
      throw metadataUnavailable(issuer, `${discoveryUrl} has no https jwks_uri`);
    const client = new JwksClient({ jwksUri, cache: true, rateLimit: false, timeout: FETCH_TIMEOUT_MS });
    this.issuers.set(issuer, { client, fetchedAtMs: this.nowMs() });
    return client;
  }
}

/**
 * If the request's client assertion is a federated one — a JWT whose issuer is not the client itself, nor
 * signed by one of its certificates — verifies it against the app's federated identity credentials as
 * Entra ID does and returns the client id it authenticates; undefined when the assertion is not federated
 * (the certificate path of `authenticateClient` then applies). The checks and their AADSTS answers, in
 * order: issuer (700211), subject (700213), audience (700212) — exact, case-sensitive — then the
 * signature against the issuer's published keys (7000272 unknown key, 700027 bad signature) and the
 * validity window (700024). docs/emulator.md lists the sources.
 */
export async function verifyFederatedAssertion(
  req: EmulatorRequest,
  tenant: TenantView,
  ctx: FederationContext,
): Promise<string | undefined> {
  const assertion = req.form.get('client_assertion');
  const clientId = req.form.get('client_id');
  if (
    assertion === null ||
    clientId === null ||
    req.form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE
  )
    return undefined;
  const app = ctx.directory.appIn(tenant, clientId);
  if (app === undefined || app.isPublic) return undefined;
  const decoded = decode(assertion, { complete: true });
  if (decoded === null || typeof decoded.payload === 'string') return undefined;
  const payload = decoded.payload;
  if (!isFederated(payload, decoded.header as unknown as Record<string, unknown>, app)) return undefined;
  const credential = matchingCredential(app.reg.federatedCredentials, payload);
  const key = await ctx.federation.signingKey(credential.issuer, decoded.header.kid);
  try {
    verify(assertion, key, {
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'],
      clockTimestamp: ctx.nowSeconds(),
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TokenExpiredError' || name === 'NotBeforeError')
      throw notInTimeRange(payload, ctx.nowSeconds());
    throw new EntraError(
      OAuthError.InvalidClient,
      700027,
      'Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.]',
    );
  }
  if (typeof payload.exp !== 'number') throw notInTimeRange(payload, ctx.nowSeconds());
  return app.clientId;
}

/** Not a self-issued assertion (`iss` = the client id) and not signed by one of the app's certificates. */
function isFederated(payload: JwtPayload, header: Record<string, unknown>, app: AppView): boolean {
  if (typeof payload.iss !== 'string' || payload.iss === app.clientId) return false;
  return !app.certificates.some((c) => c.x5t === header['x5t'] || c.x5tS256 === header['x5t#S256']);
}

function matchingCredential(
  credentials: readonly FederatedCredentialRegistration[],
  payload: JwtPayload,
): FederatedCredentialRegistration {
  const byIssuer = credentials.filter((c) => c.issuer === payload.iss);
  if (byIssuer.length === 0)
    throw noRecord(
      700211,
      `No matching federated identity record found for presented assertion issuer '${String(payload.iss)}'. ${CHECK}`,
    );
  const bySubject = byIssuer.filter((c) => c.subject === payload.sub);
  if (bySubject.length === 0)
    throw noRecord(
      700213,
      `No matching federated identity record found for presented assertion subject '${String(payload.sub)}'. ${CHECK}`,
    );
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const match = bySubject.find((c) => c.audiences.some((a) => audiences.includes(a)));
  if (match === undefined)
    throw noRecord(
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(', ')}'. ${CHECK}`,
    );
  return match;
}

function noRecord(code: number, description: string): EntraError {
  return new EntraError(OAuthError.InvalidClient, code, description);
}

function keyNotInMetadata(kid: string, issuer: string): EntraError {
  return new EntraError(
    OAuthError.InvalidClient,
    7000272,
    `The certificate with identifier ${kid} used to sign the federated credential could not be found in the metadata of identity provider ${issuer}. Please validate that your Identity Provider's metadata exposes the key used to sign the incoming token.`,
  );
}

/** The issuer's metadata could not be fetched: answered like an unknown key, with the reason (docs/emulator.md). */
function metadataUnavailable(issuer: string, reason: string): EntraError {
  return new EntraError(
    OAuthError.InvalidClient,
    7000272,
    `The signing keys of identity provider ${issuer} could not be retrieved to validate the federated credential. [Reason - ${reason}]`,
  );
}

function notInTimeRange(payload: JwtPayload, nowSeconds: number): EntraError {
  const iso = (s: unknown): string =>
    typeof s === 'number' ? new Date(s * 1000).toISOString().replace('Z', '0000Z') : 'none';
  return new EntraError(
    OAuthError.InvalidClient,
    700024,
    `Client assertion is not within its valid time range. Current time: ${iso(nowSeconds)}, assertion valid from ${iso(payload.nbf ?? payload.iat)}, expiry time of assertion ${iso(payload.exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
  );
}

/** GET over HTTPS with Node's trust store (no TLS relaxation), ≤ 64 KiB, 5 s. */
function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!url.startsWith('https://')) return reject(new Error('not an https URL'));
    const request = get(url, { timeout: FETCH_TIMEOUT_MS }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode ?? 0}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 64 * 1024) request.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}
