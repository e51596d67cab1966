/**
 * The "browser" of the MSAL worker: it signs a user in through the emulator's pages with Node's fetch (which
 * trusts the emulator's CA through NODE_EXTRA_CA_CERTS), for the public-client flows whose browser step MSAL
 * leaves to the app (device code, interactive).
 */
import type { WorkerUser } from './msal-protocol';

const MAX_PAGES = 5;

/** Follows the device login: enters `userCode` at `verificationUri`, then signs in. Ends on the "signed in" page. */
export async function approveDeviceCode(
  verificationUri: string,
  userCode: string,
  user: WorkerUser,
): Promise<string> {
  const page = await post(verificationUri, { otc: userCode });
  return signInFrom(verificationUri, page, user);
}

/**
 * Opens the authorize URL MSAL built, signs in, and delivers the result to MSAL's loopback server: by the
 * redirect, or (msal-node asks for `response_mode=form_post`) by posting the auto-submitting form.
 */
export async function signInInteractively(authorizeUrl: string, user: WorkerUser): Promise<string> {
  const first = await fetch(authorizeUrl, { redirect: 'manual' });
  const end = await signInFrom(authorizeUrl, first, user);
  const formPost = /<form method="post" name="hiddenform" action="([^"]*)">/.exec(end)?.[1];
  if (formPost === undefined) {
    await fetch(end);
    return end;
  }
  const fields: Record<string, string> = {};
  for (const m of end.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1] as string] = m[2] as string;
  await post(formPost, fields);
  return formPost;
}

/**
 * Posts credentials (and the second factor) until a redirect (its Location) or a page without a sign-in form
 * (its HTML).
 */
async function signInFrom(base: string, first: Response, user: WorkerUser): Promise<string> {
  let res = first;
  let url = base;
  for (let i = 0; i < MAX_PAGES; i++) {
    const location = res.headers.get('location');
    if (location !== null) return new URL(location, url).href;
    const html = await res.text();
    const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
    const tx = /name="tx" value="([^"]*)"/.exec(html)?.[1];
    if (action === undefined || tx === undefined) return html;
    url = new URL(action, url).href;
    const fields: Record<string, string> = html.includes('name="otp"')
      ? { tx, otp: user.otp ?? '' }
      : { tx, username: user.username, password: user.password };
    res = await post(url, fields);
  }
  throw new Error(`no end of the sign-in after ${MAX_PAGES} pages`);
}

function post(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
