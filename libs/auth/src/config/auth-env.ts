import {
  clientCredentialEnvIssues,
  clientCredentialEnvShape,
  clientCredentialFromEnv,
} from '../token-broker/client-credential';
import { delegationSigningKeyFromEnv } from '../token-broker/delegation-signing-key';
import { parseDownstreamApisEnv } from '../token-broker/downstream-declarations.schema';

/**
 * Reading @chain/auth's options from environment variables (names and formats: docs/configuration.md),
 * so that every caller reads them the same way:
 * - `clientCredentialShape` / `clientCredentialIssues` / `clientCredential`: the confidential client's
 *   credential (`AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_*`, `AZURE_FEDERATED_TOKEN_FILE`) — the
 *   zod shape to merge into an app's schema, its cross-field issues, and the `ClientCredential` it names;
 * - `downstreamApis`: the `DOWNSTREAM_APIS` JSON into downstream declarations (throws
 *   {@link TokenBrokerConfigError});
 * - `delegationSigningKey`: the verified-delegation signing key (`DELEGATION_SIGNING_KEY_*`).
 */
export const AuthEnv = {
  clientCredentialShape: clientCredentialEnvShape,
  clientCredentialIssues: clientCredentialEnvIssues,
  clientCredential: clientCredentialFromEnv,
  downstreamApis: parseDownstreamApisEnv,
  delegationSigningKey: delegationSigningKeyFromEnv,
} as const;
