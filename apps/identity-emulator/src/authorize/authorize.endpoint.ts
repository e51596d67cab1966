import type { ServerResponse } from 'node:http';

import type { UserRegistration } from '@chain/local-tenant';

import type { EmulatorRequest } from '../common/http-kit';
import { redirect, sendHtml } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { CODE_LIFETIME_MS } from '../grants/grant-stores';
import type { TenantView } from '../tenant/directory';
import { clientInfo, type Realm, realmOf, type UserSubject } from '../tokens/token-factory';
import { AuthorizePageError, AuthorizeRedirectError, parseAuthorizeRequest } from './authorize-request';
import { deviceSignedInPage, errorPage, formPostPage, secondFactorPage } from './login-page';
import {
  type AuthorizeParams,
  LOGIN_TRANSACTION_LIFETIME_MS,
  type LoginTransaction,
  ResponseMode,
} from './login-transactions';
import {
  credentialsPage,
  needsSecondFactor,
  refusedSignIn,
  sameText,
  signedInUser,
  signInTenant,
  subjectOf,
} from './sign-in-steps';

/**
 * `GET|POST /{tenant}[/{policy}]/oauth2/v2.0/authorize`: the login form (B2C: with its social identity
 * providers), the second factor, then the code.
 */
export function handleAuthorize(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  try {
    const tx = req.form.get('tx');
    if (req.method === 'POST' && tx !== null) return continueSignIn(req, res, tenant, ctx, tx);
    const idp = req.query.get('idp');
    const pending = req.query.get('tx');
    if (req.method === 'GET' && idp !== null && pending !== null)
      return showIdentityProvider(req, res, tenant, ctx, { tx: pending, idp });
    const input = req.method === 'POST' ? req.form : req.query;
    const { params, promptNone } = parseAuthorizeRequest(input, tenant, ctx);
    if (promptNone) {
      // No SSO session cookie is kept, so a silent request always needs interaction (AADSTS50058).
      throw new AuthorizeRedirectError(
        params,
        'login_required',
        'AADSTS50058: A silent sign-in request was sent but no user is signed in.',
      );
    }
    const id = ctx.logins.put({
      tid: tenant.id,
      policy: req.policy,
      params,
      expiresAtMs: ctx.nowMs() + LOGIN_TRANSACTION_LIFETIME_MS,
    });
    sendHtml(res, 200, credentialsPage(req, tenant, ctx, { tx: id, params }));
  } catch (error) {
    if (error instanceof AuthorizePageError)
      return sendHtml(res, 400, errorPage(error.code, error.message, req.traceId));
    if (error instanceof AuthorizeRedirectError) return respond(res, error.params, errorParams(error));
    throw error;
  }
}

/** The sign-in in progress under `tx`, if it belongs to this tenant and user flow; else an error page was sent. */
function pendingSignIn(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
  tx: string,
): LoginTransaction | undefined {
  const transaction = ctx.logins.get(tx);
  if (
    transaction !== undefined &&
    transaction !== 'expired' &&
    transaction.tid === tenant.id &&
    transaction.policy === req.policy
  )
    return transaction;
  sendHtml(
    res,
    400,
    errorPage(90014, 'The sign-in session expired or is unknown. Start the sign-in again.', req.traceId),
  );
  return undefined;
}

/** B2C: the "Sign in with <idp>" link leads to the emulator's stand-in for that identity provider's page. */
function showIdentityProvider(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
  step: { tx: string; idp: string },
): void {
  const transaction = pendingSignIn(req, res, tenant, ctx, step.tx);
  if (transaction === undefined) return;
  if (!tenant.isB2c || !tenant.reg.identityProviders.includes(step.idp)) {
    return sendHtml(
      res,
      400,
      errorPage(90014, `The identity provider '${step.idp}' is not offered here.`, req.traceId),
    );
  }
  sendHtml(res, 200, credentialsPage(req, tenant, ctx, { ...step, params: transaction.params }));
}

function continueSignIn(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
  tx: string,
): void {
  const transaction = pendingSignIn(req, res, tenant, ctx, tx);
  if (transaction === undefined) return;
  if (transaction.user !== undefined)
    return verifySecondFactor(req, res, tenant, ctx, { tx, transaction, user: transaction.user });
  const user = signedInUser(req, tenant, ctx);
  if (user === undefined) {
    const idp = req.form.get('idp');
    const view = { tx, params: transaction.params, loginHint: req.form.get('username') ?? '' };
    const error = refusedSignIn(req, tenant, ctx, transaction.params.clientId);
    return sendHtml(res, 200, credentialsPage(req, tenant, ctx, { ...view, error, idp: idp ?? undefined }));
  }
  if (!needsSecondFactor(tenant, req.policy, transaction.params, user, ctx)) {
    ctx.logins.delete(tx);
    return finishSignIn(
      res,
      realmOf(signInTenant(tenant, user, ctx), req.policy),
      ctx,
      transaction,
      subjectOf(user, false, tenant),
    );
  }
  if (user.mfa?.enrolled !== true) {
    ctx.logins.delete(tx);
    const description =
      'AADSTS50079: Due to a configuration change made by your administrator, you must enroll in multi-factor authentication.';
    if (transaction.deviceCode !== undefined)
      return sendHtml(res, 400, errorPage(undefined, description, req.traceId));
    return respond(
      res,
      transaction.params,
      withState(transaction.params, { error: 'interaction_required', error_description: description }),
    );
  }
  ctx.logins.put({ ...transaction, user }, tx);
  sendHtml(res, 200, secondFactorPage({ action: req.path, tx, username: user.username }));
}

function verifySecondFactor(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
  step: { tx: string; transaction: LoginTransaction; user: UserRegistration },
): void {
  if (!sameText(step.user.mfa?.code ?? '', req.form.get('otp') ?? '')) {
    const error = 'AADSTS500121: Authentication failed during strong authentication request.';
    return sendHtml(
      res,
      200,
      secondFactorPage({ action: req.path, tx: step.tx, username: step.user.username, error }),
    );
  }
  ctx.logins.delete(step.tx);
  finishSignIn(
    res,
    realmOf(signInTenant(tenant, step.user, ctx), req.policy),
    ctx,
    step.transaction,
    subjectOf(step.user, true, tenant),
  );
}

/** The end of a sign-in: a code for the redirect URI, or for a device login the device code approved. */
function finishSignIn(
  res: ServerResponse,
  realm: Realm,
  ctx: EmulatorContext,
  transaction: LoginTransaction,
  user: UserSubject,
): void {
  if (transaction.deviceCode === undefined) return issueCode(res, realm, ctx, transaction.params, user);
  ctx.deviceCodes.approve(transaction.deviceCode, realm.tid, user);
  const app = ctx.directory.app(transaction.params.clientId);
  sendHtml(res, 200, deviceSignedInPage(app?.reg.displayName ?? transaction.params.clientId));
}

function issueCode(
  res: ServerResponse,
  realm: Realm,
  ctx: EmulatorContext,
  params: AuthorizeParams,
  user: UserSubject,
): void {
  const code = ctx.codes.put({
    tid: realm.tid,
    policy: realm.policy,
    clientId: params.clientId,
    redirectUri: params.redirectUri,
    scope: params.scope,
    claims: params.claims,
    nonce: params.nonce,
    codeChallenge: params.codeChallenge,
    user,
    expiresAtMs: ctx.nowMs() + CODE_LIFETIME_MS,
    redeemed: false,
  });
  const result: Record<string, string> = { code };
  if (params.clientInfo) result['client_info'] = clientInfo(user.oid, realm);
  respond(res, params, withState(params, result));
}

function errorParams(error: AuthorizeRedirectError): Record<string, string> {
  return withState(error.params, { error: error.error, error_description: error.description });
}

function withState(params: AuthorizeParams, values: Record<string, string>): Record<string, string> {
  return params.state === undefined ? values : { ...values, state: params.state };
}

/** Delivers the result to the registered redirect URI per response_mode. */
function respond(res: ServerResponse, params: AuthorizeParams, values: Record<string, string>): void {
  const search = new URLSearchParams(values);
  if (params.responseMode === ResponseMode.FormPost)
    return sendHtml(res, 200, formPostPage(params.redirectUri, search));
  if (params.responseMode === ResponseMode.Fragment)
    return redirect(res, `${params.redirectUri.split('#')[0]}#${search.toString()}`);
  const url = new URL(params.redirectUri);
  search.forEach((value, key) => url.searchParams.set(key, value));
  redirect(res, url.toString());
}
