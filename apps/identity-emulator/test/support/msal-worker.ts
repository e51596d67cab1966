/**
 * A child process that runs the real @azure/msal-node ConfidentialClientApplication for the e2e tests.
 * It exists because Node reads NODE_EXTRA_CA_CERTS only at process start: the parent spawns this worker
 * with NODE_EXTRA_CA_CERTS=<emulator ca.pem>, exactly as an app would be started, and MSAL runs unchanged.
 */
import {
  ConfidentialClientApplication,
  type Configuration,
  InteractionRequiredAuthError,
  ServerError,
} from '@azure/msal-node';

import type { WorkerReply, WorkerRequest } from './msal-protocol';

const apps = new Map<string, ConfidentialClientApplication>();

function appFor(request: WorkerRequest): ConfidentialClientApplication {
  const key = JSON.stringify(request.app);
  let app = apps.get(key);
  if (app === undefined) {
    const { clientId, authority, knownAuthorities, clientSecret, certificate } = request.app;
    const config: Configuration = {
      auth: { clientId, authority, knownAuthorities, clientSecret, clientCertificate: certificate },
    };
    app = new ConfidentialClientApplication(config);
    apps.set(key, app);
  }
  return app;
}

async function run(request: WorkerRequest): Promise<WorkerReply> {
  try {
    const app = appFor(request);
    const call = request.call;
    const result =
      call.kind === 'cc'
        ? await app.acquireTokenByClientCredential({
            scopes: call.scopes,
            claims: call.claims,
            skipCache: call.skipCache,
          })
        : await app.acquireTokenOnBehalfOf({
            oboAssertion: call.oboAssertion,
            scopes: call.scopes,
            claims: call.claims,
          });
    if (result === null) throw new Error('MSAL returned null');
    return {
      id: request.id,
      ok: true,
      result: {
        accessToken: result.accessToken,
        fromCache: result.fromCache,
        scopes: result.scopes,
        idToken: result.idToken,
      },
    };
  } catch (error) {
    const e = error as ServerError & { claims?: string; status?: number };
    const className =
      error instanceof InteractionRequiredAuthError
        ? 'InteractionRequiredAuthError'
        : error instanceof ServerError
          ? 'ServerError'
          : e.name;
    return {
      id: request.id,
      ok: false,
      error: {
        className,
        errorCode: e.errorCode,
        subError: e.subError,
        errorNo: e.errorNo === undefined ? undefined : Number(e.errorNo),
        claims: e.claims,
        message: e.message,
      },
    };
  }
}

process.on('message', (message: WorkerRequest) => {
  void run(message).then((reply) => process.send?.(reply));
});
process.send?.({ id: 0, ok: true, result: { accessToken: '', fromCache: false, scopes: [] } });
