import type { ServerResponse } from 'node:http';

import { sendHtml } from '../common/http-kit';
import type { EmulatorContext } from '../emulator-context';

/**
 * `GET /`: what this server is, for a person who opened it (often to accept its certificate): a link to its
 * health and to the CA certificate to trust (docs/web.md, "Trusting the local token service").
 */
export function handleHome(res: ServerResponse, ctx: EmulatorContext): void {
  const tenants = ctx.directory
    .tenants()
    .map((t) => `<li>${escapeHtml(t.reg.name)} (${t.kind}): <code>${escapeHtml(t.id)}</code></li>`);
  sendHtml(
    res,
    200,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local identity emulator</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1f2933}code{background:#f0f4f8;padding:0 3px}</style></head>
<body><main>
<h1>Local identity emulator</h1>
<p>This is the local token service of <strong>entra-api-chain</strong>: it speaks the wire protocol of Microsoft Entra ID (and of External ID and Azure AD B2C), so that the demo applications sign users in and get tokens with the real Microsoft libraries. It is for local development only.</p>
<p>If you opened this page to accept its certificate, you are done: go back to the portal and press "Try again".</p>
<ul>
<li><a href="/health/ready">Health</a> (<code>/health/ready</code>)</li>
<li><a href="/ca.pem" download="entra-api-chain-local-ca.pem">CA certificate</a> (<code>/ca.pem</code>, the same file as <code>.local/emulator/ca.pem</code>): trust it in your browser to skip the warning for good. docs/web.md, "Trusting the local token service", has the commands.</li>
</ul>
<h2>Tenants</h2><ul>${tenants.join('')}</ul>
<p>OpenID configuration: <code>/&lt;tenant&gt;/v2.0/.well-known/openid-configuration</code></p>
</main></body></html>`,
  );
}

/** `GET /ca.pem`: the public CA certificate (never its key). */
export function handleCaCertificate(res: ServerResponse, ctx: EmulatorContext): void {
  const body = Buffer.from(ctx.caPem);
  res.writeHead(200, {
    'content-type': 'application/x-pem-file',
    'content-length': body.length,
    'content-disposition': 'attachment; filename="entra-api-chain-local-ca.pem"',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
