/**
 * A child process that runs the real @azure/msal-node ConfidentialClientApplication (and, for "mobile and
 * desktop" clients, PublicClientApplication) for the e2e tests. It exists because Node reads
 * NODE_EXTRA_CA_CERTS only at process start: the parent spawns this worker with
 * NODE_EXTRA_CA_CERTS=<emulator ca.pem>, exactly as an app would be started, and MSAL runs unchanged.
 */
import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  type Configuration,
  InteractionRequiredAuthError,
  PublicClientApplication,
  ServerError,
} from '@azure/msal-node';

import type { MsalCall, WorkerReply, WorkerRequest } from './msal-protocol';
import { approveDeviceCode, signInInteractively } from './worker-browser';

const apps = new Map<string, ConfidentialClientApplication | PublicClientApplication>();

function appFor(request: WorkerRequest): ConfidentialClientApplication | PublicClientApplication {
  const key = JSON.stringify(request.app);
  let app = apps.get(key);
  if (app === undefined) {
    const {
      clientId,
      authority,
      knownAuthorities,
      clientSecret,
      certificate,
      clientCapabilities,
      cloudDiscoveryMetadata,
    } = request.app;
    const config: Configuration = {
      auth: {
        clientId,
        authority,
        knownAuthorities,
        clientSecret,
        clientCertificate: certificate,
        clientCapabilities,
        cloudDiscoveryMetadata,
      },
    };
    app = request.app.publicClient
      ? new PublicClientApplication(config)
      : new ConfidentialClientApplication(config);
    apps.set(key, app);
  }
  return app;
}

async function acquire(
  app: ConfidentialClientApplication | PublicClientApplication,
  call: MsalCall,
): Promise<{ result: AuthenticationResult | null; detail?: string }> {
  if (app instanceof PublicClientApplication) return acquirePublic(app, call);
  if (call.kind === 'cc') {
    const result = await app.acquireTokenByClientCredential({
      scopes: call.scopes,
      claims: call.claims,
      skipCache: call.skipCache,
    });
    return { result };
  }
  if (call.kind !== 'obo') throw new Error(`${call.kind} needs a public client`);
  const result = await app.acquireTokenOnBehalfOf({
    oboAssertion: call.oboAssertion,
    scopes: call.scopes,
    claims: call.claims,
  });
  return { result };
}

/** Device code and interactive sign-in, the worker playing the user's browser. */
async function acquirePublic(
  app: PublicClientApplication,
  call: MsalCall,
): Promise<{ result: AuthenticationResult | null; detail?: string }> {
  if (call.kind === 'device-code') {
    let message = '';
    let approval: Promise<string> = Promise.resolve('');
    const result = await app.acquireTokenByDeviceCode({
      scopes: call.scopes,
      deviceCodeCallback: (response) => {
        message = response.message;
        approval = approveDeviceCode(response.verificationUri, response.userCode, call.user);
      },
    });
    await approval;
    return { result, detail: message };
  }
  if (call.kind !== 'interactive') throw new Error(`${call.kind} needs a confidential client`);
  let redirect = '';
  const result = await app.acquireTokenInteractive({
    scopes: call.scopes,
    openBrowser: async (url) => {
      redirect = await signInInteractively(url, call.user);
    },
  });
  return { result, detail: new URL(redirect).origin };
}

async function run(request: WorkerRequest): Promise<WorkerReply> {
  try {
    const { result, detail } = await acquire(appFor(request), request.call);
    if (result === null) throw new Error('MSAL returned null');
    return {
      id: request.id,
      ok: true,
      result: {
        accessToken: result.accessToken,
        fromCache: result.fromCache,
        scopes: result.scopes,
        idToken: result.idToken,
        ...(detail === undefined ? {} : { detail }),
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
