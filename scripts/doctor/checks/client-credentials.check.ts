import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { AuthError, ConfidentialClientApplication, type Configuration, LogLevel } from '@azure/msal-node';

import { codeInMessage, explain } from '../aadsts.catalogue';
import {
  type AppUnderTest,
  type CallerConfig,
  callerOf,
  type ChainUnderTest,
  type DeclaredDownstream,
  downstreamsOf,
  resourceServerOf,
} from '../chain-under-test';
import { CheckName, fail, type Finding, pass, skip, warn } from '../findings';
import { trustOf } from '../https-probe';
import { TrustedNetworkClient } from '../msal-network';

/** Claims doctor reads from an app token (decoded, never verified, never printed). */
interface AppTokenClaims {
  readonly aud?: string;
  readonly iss?: string;
  readonly roles?: readonly string[];
  readonly scp?: string;
}

/**
 * Acquires, for real and with msal-node as the apps do, the client-credentials token of every
 * client-credentials and verified-delegation downstream, then checks that the API it is for would accept
 * it (issuer, audience) and that it carries a permission. The token itself is neither printed nor kept.
 */
export async function checkClientCredentials(
  app: AppUnderTest,
  chain: ChainUnderTest,
  reachable: boolean,
): Promise<Finding[]> {
  const downstreams = downstreamsOf(app).filter(
    (d) => d.flow === 'client-credentials' || d.flow === 'verified-delegation',
  );
  const caller = callerOf(app);
  if (downstreams.length === 0 || caller === undefined) return [];
  if (!reachable)
    return downstreams.map((d) =>
      skip(
        CheckName.ClientCredentials,
        { app: app.name, subject: d.name },
        'not tried: the authority is not reachable over a trusted connection (see above)',
      ),
    );
  const msal = clientOf(app, caller);
  if (typeof msal === 'string')
    return downstreams.map((d) =>
      fail(
        CheckName.ClientCredentials,
        { app: app.name, subject: d.name },
        msal,
        'give AUTH_CLIENT_SECRET, or AUTH_CLIENT_CERTIFICATE_PATH and AUTH_CLIENT_CERTIFICATE_KEY_PATH',
      ),
    );
  const findings: Finding[] = [];
  for (const d of downstreams) findings.push(await acquire(app, d, msal, chain));
  return findings;
}

function clientOf(app: AppUnderTest, caller: CallerConfig): ConfidentialClientApplication | string {
  if (caller.authority === undefined) return `${app.name} has AUTH_CLIENT_ID but no AUTH_AUTHORITY`;
  const credential = credentialOf(caller);
  if (typeof credential === 'string') return credential;
  const configuration: Configuration = {
    auth: {
      clientId: caller.clientId,
      authority: caller.authority,
      knownAuthorities: [...caller.knownAuthorities],
      ...credential,
    },
    system: {
      networkClient: new TrustedNetworkClient(trustOf(app.env['NODE_EXTRA_CA_CERTS'])),
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  };
  return new ConfidentialClientApplication(configuration);
}

type Credential = Pick<NonNullable<Configuration['auth']>, 'clientSecret' | 'clientCertificate'>;

function credentialOf(caller: CallerConfig): Credential | string {
  if (caller.secret !== undefined) return { clientSecret: caller.secret };
  if (caller.certificatePath === undefined || caller.certificateKeyPath === undefined)
    return 'no client credential: neither AUTH_CLIENT_SECRET nor AUTH_CLIENT_CERTIFICATE_PATH + AUTH_CLIENT_CERTIFICATE_KEY_PATH';
  try {
    const certificate = new X509Certificate(readFileSync(caller.certificatePath, 'utf8'));
    return {
      clientCertificate: {
        thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
        privateKey: readFileSync(caller.certificateKeyPath, 'utf8'),
        x5c: certificate.raw.toString('base64'),
      },
    };
  } catch {
    return `cannot read the certificate ${caller.certificatePath} or its key ${caller.certificateKeyPath}`;
  }
}

async function acquire(
  app: AppUnderTest,
  d: DeclaredDownstream,
  msal: ConfidentialClientApplication,
  chain: ChainUnderTest,
): Promise<Finding> {
  const where = { app: app.name, subject: d.name };
  try {
    const result = await msal.acquireTokenByClientCredential({ scopes: [...d.scopes], skipCache: true });
    if (!result?.accessToken)
      return fail(
        CheckName.ClientCredentials,
        where,
        'the token service answered without a token',
        'see the identity provider logs',
      );
    return acceptance(app, d, claimsOf(result.accessToken), chain);
  } catch (error) {
    return failure(app, d, error);
  } finally {
    msal.clearCache();
  }
}

function failure(app: AppUnderTest, d: DeclaredDownstream, error: unknown): Finding {
  const where = { app: app.name, subject: d.name };
  const message = error instanceof AuthError ? `${error.errorCode}: ${error.errorMessage}` : String(error);
  const code = codeInMessage(message);
  const explanation = code === undefined ? undefined : explain(code);
  const firstLine = message.split(/\r?\n| Trace ID| - Correlation ID/)[0] ?? message;
  return fail(
    CheckName.ClientCredentials,
    where,
    `${app.name} could not get a client-credentials token for ${d.name} (${d.scopes.join(' ')}): ${firstLine}`,
    explanation?.fix ?? 'see `npm run doctor -- explain <code>` and the identity provider logs',
    code,
  );
}

function claimsOf(token: string): AppTokenClaims {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as AppTokenClaims;
  } catch {
    return {};
  }
}

/** Would the downstream accept the token: its issuer, its audience, a permission in it. */
function acceptance(
  app: AppUnderTest,
  d: DeclaredDownstream,
  claims: AppTokenClaims,
  chain: ChainUnderTest,
): Finding {
  const where = { app: app.name, subject: d.name };
  const target = chain.apps.find((a) => a.name === d.target);
  const rs = target === undefined ? undefined : resourceServerOf(target);
  const permissions = claims.roles?.length ? claims.roles : (claims.scp ?? '').split(' ').filter(Boolean);
  const got = `${app.name} got a client-credentials token for ${d.name} (aud ${claims.aud ?? '?'}, ${permissions.length ? `permissions ${permissions.join(', ')}` : 'no roles'})`;
  if (target !== undefined && rs !== undefined) {
    if (claims.iss === undefined || !rs.issuers.includes(claims.iss))
      return fail(
        CheckName.ClientCredentials,
        where,
        `${got}, but ${target.name} does not accept its issuer ${claims.iss ?? '?'} (AUTH_ISSUERS ${rs.issuers.join(',')})`,
        `AUTH_ISSUERS=${claims.iss ?? ''} for ${target.name}`,
      );
    if (claims.aud === undefined || !rs.audiences.some((a) => a.toLowerCase() === claims.aud?.toLowerCase()))
      return fail(
        CheckName.ClientCredentials,
        where,
        `${got}, but ${target.name} does not accept its audience (AUTH_AUDIENCES ${rs.audiences.join(',')})`,
        `add ${claims.aud ?? ''} to AUTH_AUDIENCES of ${target.name}`,
      );
  }
  if (permissions.length === 0)
    return warn(
      CheckName.ClientCredentials,
      where,
      `${got}: without an application permission the API answers 403 app_role_missing`,
      `grant ${app.name} an application permission on the API, with admin consent`,
    );
  const accepted = target === undefined ? '' : `; ${target.name} accepts its issuer and audience`;
  return pass(CheckName.ClientCredentials, where, `${got}${accepted}`);
}
