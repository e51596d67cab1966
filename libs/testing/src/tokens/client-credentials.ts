import { roleOf } from '@chain/local-tenant';

import { formPost, harnessRequest } from '../http/http-request';
import { authorityOf, type IdentityTarget } from '../sign-in/identity-target';
import { decodeClaims } from './decode-claims';

/** An app-only token and its decoded claims. `toJSON()` leaves the token out, so a failing test never prints it. */
export interface AppToken {
  readonly accessToken: string;
  readonly claims: Readonly<Record<string, unknown>>;
  toJSON(): Record<string, unknown>;
}

/**
 * A client-credentials token for `scope` (`<App ID URI>/.default`, the only form the flow accepts),
 * requested with the registered secret of the client named `clientName` — as that app's own TokenBroker
 * would; on a B2C tenant through its sign-in user flow's token endpoint.
 */
export async function clientCredentialsToken(
  target: IdentityTarget,
  clientName: string,
  scope: string,
): Promise<AppToken> {
  // By the part it plays (`bff`) or its name (`partner-batch`).
  const client =
    target.registrations.applications.find((a) => roleOf(a) === clientName) ??
    target.registrations.applications.find((a) => a.name === clientName);
  const secret = client?.secrets[0]?.value;
  if (client === undefined || secret === undefined)
    throw new Error(`no confidential client ${clientName} with a secret`);
  const { body, headers } = formPost({
    client_id: client.clientId,
    client_secret: secret,
    grant_type: 'client_credentials',
    scope,
  });
  const res = await harnessRequest(`${authorityOf(target, undefined)}/oauth2/v2.0/token`, {
    method: 'POST',
    ca: target.caPem,
    body,
    headers,
  });
  const json = res.json<Record<string, unknown>>();
  const token = json['access_token'];
  if (res.status !== 200 || typeof token !== 'string') {
    throw new Error(
      `client credentials for ${clientName} failed with ${res.status} ${String(json['error'])}: ${String(json['error_description'])}`,
    );
  }
  const claims = decodeClaims(token);
  return { accessToken: token, claims, toJSON: () => ({ claims }) };
}
