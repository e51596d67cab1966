import { escapeHtml } from '../common/http-kit';

const STYLE = `body{font-family:system-ui,sans-serif;background:#f2f2f2;display:flex;justify-content:center;padding-top:8vh}
main{background:#fff;padding:2rem 2.5rem;width:22rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.4rem;font-weight:600}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.45rem;box-sizing:border-box}
button{margin-top:1.2rem;padding:.5rem 1.6rem;background:#0067b8;color:#fff;border:0}.error{color:#a80000}.app{color:#555}
footer{margin-top:1.5rem;font-size:.75rem;color:#777}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><main>${body}<footer>Local identity emulator — not Microsoft Entra ID. Demo accounts only.</footer></main></body></html>`;
}

function errorLine(error: string | undefined): string {
  return error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`;
}

/** A social identity provider offered on a B2C sign-in page, and where its button leads. */
export interface IdentityProviderChoice {
  readonly name: string;
  readonly href: string;
}

/**
 * The sign-in form (CONTRACTS.md "Emulator login form"); on a B2C sign-in page, after it, one link per
 * social identity provider ("Sign in with google.com", `id="idp-<name>"`).
 */
export function signInPage(input: {
  action: string;
  tx: string;
  appName: string;
  loginHint?: string;
  error?: string;
  identityProviders?: readonly IdentityProviderChoice[];
}): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p class="app">to continue to ${escapeHtml(input.appName)}</p>${errorLine(input.error)}
${credentialsForm(input.action, { tx: input.tx }, input.loginHint)}${identityProviderLinks(input.identityProviders ?? [])}`,
  );
}

/**
 * The emulator's stand-in for a social identity provider's own sign-in page (B2C federation): the account's
 * e-mail and its demo password, posted back to the B2C authorize path with the provider's name.
 */
export function identityProviderPage(input: {
  action: string;
  tx: string;
  idp: string;
  loginHint?: string;
  error?: string;
}): string {
  return page(
    `Sign in with ${input.idp}`,
    `<h1>${escapeHtml(input.idp)}</h1><p class="app">Sign in with your ${escapeHtml(input.idp)} account (emulated identity provider)</p>${errorLine(input.error)}
${credentialsForm(input.action, { tx: input.tx, idp: input.idp }, input.loginHint)}`,
  );
}

function credentialsForm(
  action: string,
  hidden: Record<string, string>,
  loginHint: string | undefined,
): string {
  const fields = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n');
  return `<form method="post" action="${escapeHtml(action)}">
${fields}
<label for="username">Email or username</label>
<input id="username" name="username" type="email" autocomplete="username" value="${escapeHtml(loginHint ?? '')}" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="sign-in" type="submit">Sign in</button></form>`;
}

function identityProviderLinks(choices: readonly IdentityProviderChoice[]): string {
  if (choices.length === 0) return '';
  const links = choices
    .map(
      (c) =>
        `<p><a class="idp" id="idp-${escapeHtml(c.name)}" href="${escapeHtml(c.href)}">Sign in with ${escapeHtml(c.name)}</a></p>`,
    )
    .join('');
  return `<p class="app">or use your social account</p>${links}`;
}

/** The second-factor step: a one-time code (the demo code is in the registrations). */
export function secondFactorPage(input: {
  action: string;
  tx: string;
  username: string;
  error?: string;
}): string {
  return page(
    'Verify your identity',
    `<h1>Verify your identity</h1><p class="app">${escapeHtml(input.username)}: enter the code from your authenticator app.</p>${errorLine(input.error)}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="tx" value="${escapeHtml(input.tx)}">
<label for="otp">Code</label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
<button id="verify" type="submit">Verify</button></form>`,
  );
}

/**
 * A 400 page for requests that must not be redirected (unknown client or redirect URI); `code` undefined for
 * a message without an AADSTS code.
 */
export function errorPage(code: number | undefined, message: string, traceId: string): string {
  const text = code === undefined ? message : `AADSTS${code}: ${message}`;
  return page(
    'Sign in error',
    `<h1>Sorry, but we're having trouble signing you in.</h1><p class="error">${escapeHtml(text)}</p><p>Request Id: ${escapeHtml(traceId)}</p>`,
  );
}

/** response_mode=form_post: an auto-submitting form to the redirect URI (OAuth 2.0 Form Post Response Mode). */
export function formPostPage(redirectUri: string, params: URLSearchParams): string {
  const fields = [...params]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return page(
    'Working...',
    `<form method="post" name="hiddenform" action="${escapeHtml(redirectUri)}">${fields}<noscript><button type="submit">Continue</button></noscript></form>
<script>document.forms[0].submit()</script>`,
  );
}

/**
 * The device login page (Entra's https://microsoft.com/devicelogin): the user code (`otc`), button
 * `id="next"`.
 */
export function deviceCodeEntryPage(input: { action: string; error?: string }): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1><p class="app">Enter the code displayed on your app or device.</p>${errorLine(input.error)}
<form method="post" action="${escapeHtml(input.action)}">
<label for="otc">Code</label>
<input id="otc" name="otc" autocomplete="off" required>
<button id="next" type="submit">Next</button></form>`,
  );
}

/** What the device login shows once the user signed in (the device's next poll gets the tokens). */
export function deviceSignedInPage(appName: string): string {
  return page(
    'Signed in',
    `<h1>${escapeHtml(appName)}</h1><p>You have signed in to the ${escapeHtml(appName)} application on your device. You may now close this window.</p>`,
  );
}

/** The logout confirmation when there is nowhere registered to go back to. */
export function signedOutPage(): string {
  return page(
    'Signed out',
    '<h1>You signed out of your account</h1><p>It\u2019s a good idea to close all browser windows.</p>',
  );
}
