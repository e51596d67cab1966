import { timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { UserRegistration } from '@chain/local-tenant';

import type { EmulatorRequest } from '../common/http-kit';
import { redirect, sendHtml } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';
import { CODE_LIFETIME_MS } from '../grants/grant-stores';
import { parseScopes } from '../oauth/scopes';
import { needsMfa, parseClaimsRequest } from '../oauth/step-up';
import type { TenantView } from '../tenant/directory';
import { clientInfo, type Realm, type UserSubject } from '../tokens/token-factory';
import { AuthorizePageError, AuthorizeRedirectError, parseAuthorizeRequest } from './authorize-request';
import { errorPage, formPostPage, secondFactorPage, signInPage } from './login-page';
import {
  type AuthorizeParams,
  LOGIN_TRANSACTION_LIFETIME_MS,
  type LoginTransaction,
  ResponseMode,
} from './login-transactions';

/** `GET|POST /{tenant}/oauth2/v2.0/authorize`: the login form, the second factor, then the code. */
export function handleAuthorize(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
): void {
  try {
    const tx = req.form.get('tx');
    if (req.method === 'POST' && tx !== null) return continueSignIn(req, res, tenant, ctx, tx);
    const input = req.method === 'POST' ? req.form : req.query;
    const { params, client, promptNone } = parseAuthorizeRequest(input, tenant, ctx);
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
      params,
      expiresAtMs: ctx.nowMs() + LOGIN_TRANSACTION_LIFETIME_MS,
    });
    sendHtml(
      res,
      200,
      signInPage({
        action: actionOf(req),
        tx: id,
        appName: client.reg.displayName,
        loginHint: params.loginHint,
      }),
    );
  } catch (error) {
    if (error instanceof AuthorizePageError)
      return sendHtml(res, 400, errorPage(error.code, error.message, req.traceId));
    if (error instanceof AuthorizeRedirectError) return respond(res, error.params, errorParams(error));
    throw error;
  }
}

/** The form posts back to the path that served it (`/{tenant}[/{policy}]/oauth2/v2.0/authorize`). */
function actionOf(req: EmulatorRequest): string {
  return req.path;
}

function continueSignIn(
  req: EmulatorRequest,
  res: ServerResponse,
  tenant: TenantView,
  ctx: EmulatorContext,
  tx: string,
): void {
  const transaction = ctx.logins.get(tx);
  if (transaction === undefined || transaction === 'expired' || transaction.tid !== tenant.id) {
    return sendHtml(
      res,
      400,
      errorPage(90014, 'The sign-in session expired or is unknown. Start the sign-in again.', req.traceId),
    );
  }
  if (transaction.user !== undefined)
    return verifySecondFactor(req, res, tenant, ctx, { tx, transaction, user: transaction.user });
  const user = ctx.directory.user(req.form.get('username') ?? '');
  const ok =
    user !== undefined &&
    tenant.users.includes(user) &&
    sameText(user.password, req.form.get('password') ?? '');
  if (!ok) {
    const appName = ctx.directory.app(transaction.params.clientId)?.reg.displayName ?? '';
    const error = 'AADSTS50126: Error validating credentials due to invalid username or password.';
    return sendHtml(
      res,
      200,
      signInPage({ action: actionOf(req), tx, appName, loginHint: req.form.get('username') ?? '', error }),
    );
  }
  const scopes = parseScopes(transaction.params.scope, ctx.directory, tenant.reg.name);
  if (!needsMfa(parseClaimsRequest(transaction.params.claims), scopes.resource, user)) {
    ctx.logins.delete(tx);
    return issueCode(
      res,
      { tid: tenant.id, policy: req.policy },
      ctx,
      transaction.params,
      subjectOf(user, false),
    );
  }
  if (user.mfa?.enrolled !== true) {
    ctx.logins.delete(tx);
    const description =
      'AADSTS50079: Due to a configuration change made by your administrator, you must enroll in multi-factor authentication.';
    return respond(
      res,
      transaction.params,
      withState(transaction.params, { error: 'interaction_required', error_description: description }),
    );
  }
  ctx.logins.put({ ...transaction, user }, tx);
  sendHtml(res, 200, secondFactorPage({ action: actionOf(req), tx, username: user.username }));
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
      secondFactorPage({ action: actionOf(req), tx: step.tx, username: step.user.username, error }),
    );
  }
  ctx.logins.delete(step.tx);
  issueCode(
    res,
    { tid: tenant.id, policy: req.policy },
    ctx,
    step.transaction.params,
    subjectOf(step.user, true),
  );
}

function subjectOf(user: UserRegistration, mfa: boolean): UserSubject {
  return {
    oid: user.oid.toLowerCase(),
    name: user.displayName,
    username: user.username,
    amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
    acrs: mfa ? ['c1'] : [],
  };
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

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
