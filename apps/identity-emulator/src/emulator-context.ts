import type { FaultInjector } from './admin/fault-injector';
import type { TokenRequestCounter } from './admin/token-request-counter';
import type { LoginTransactions } from './authorize/login-transactions';
import type { DeviceCodes } from './device/device-codes';
import { type CodeRecord, ExpiringStore, type RefreshRecord } from './grants/grant-stores';
import type { GraphDirectory } from './graph/graph-directory';
import type { SigningKeyStore } from './keys/signing-key-store';
import type { ClientAuthContext } from './oauth/client-auth';
import type { FederatedIssuers } from './oauth/federated-credential';
import type { Directory } from './tenant/directory';
import type { TokenFactory } from './tokens/token-factory';

/** Everything the endpoint handlers share: built once by `startEmulator`. */
export interface EmulatorContext extends ClientAuthContext {
  readonly directory: Directory;
  /** The tenants' objects as Microsoft Graph serves them; its writes update {@link directory}. */
  readonly graph: GraphDirectory;
  readonly keys: SigningKeyStore;
  readonly tokens: TokenFactory;
  readonly codes: ExpiringStore<CodeRecord>;
  readonly refreshTokens: ExpiringStore<RefreshRecord>;
  readonly logins: LoginTransactions;
  readonly deviceCodes: DeviceCodes;
  readonly faults: FaultInjector;
  readonly counter: TokenRequestCounter;
  /** The OIDC issuers of federated identity credentials (discovery and keys, cached). */
  readonly federation: FederatedIssuers;
  readonly publicUrl: string;
  /** The CA certificate (PEM) clients trust; served at `/ca.pem`. */
  readonly caPem: string;
  readonly testEndpoints: boolean;
  readonly issuerFor: (tid: string) => string;
  readonly nowMs: () => number;
}
