import type { ServerResponse } from 'node:http';

import { deviceCodeEntryPage } from '../authorize/login-page';
import { LOGIN_TRANSACTION_LIFETIME_MS, ResponseMode } from '../authorize/login-transactions';
import { credentialsPage } from '../authorize/sign-in-steps';
import type { EmulatorRequest } from '../common/http-kit';
import { sendHtml } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';

const DEVICE_LOGIN_PATH = '/devicelogin';

/**
 * `GET|POST /devicelogin`, the emulator's https://microsoft.com/devicelogin: the user enters the code shown
 * on the device, then signs in on the tenant's usual pages (password, second factor), which approve the
 * device code instead of redirecting.
 */
export function handleDeviceLogin(req: EmulatorRequest, res: ServerResponse, ctx: EmulatorContext): void {
  const otc = req.method === 'POST' ? req.form.get('otc') : null;
  if (otc === null) return sendHtml(res, 200, deviceCodeEntryPage({ action: DEVICE_LOGIN_PATH }));
  const pending = ctx.deviceCodes.pending(otc);
  const tenant = pending === undefined ? undefined : ctx.directory.tenant(pending.record.authority);
  if (pending === undefined || tenant === undefined) {
    const error = "That code didn't work. Check the code and try again.";
    return sendHtml(res, 200, deviceCodeEntryPage({ action: DEVICE_LOGIN_PATH, error }));
  }
  const { record } = pending;
  const params = {
    clientId: record.clientId,
    redirectUri: '',
    responseMode: ResponseMode.Query,
    scope: record.scope,
    ...(record.claims === undefined ? {} : { claims: record.claims }),
    clientInfo: false,
  };
  const tx = ctx.logins.put({
    tid: tenant.id,
    params,
    deviceCode: pending.deviceCode,
    expiresAtMs: ctx.nowMs() + LOGIN_TRANSACTION_LIFETIME_MS,
  });
  // The sign-in continues on the tenant's authorize path, like any other.
  const signInAt = { ...req, path: `/${tenant.id}/oauth2/v2.0/authorize` };
  sendHtml(res, 200, credentialsPage(signInAt, tenant, ctx, { tx, params }));
}
