import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

import type { SpaConfig } from '../shared/spa-config';

/** Files of the built bundle the server may send, with their content types. Nothing else is served. */
const ASSETS: Readonly<Record<string, string>> = {
  '/app.js': 'text/javascript; charset=utf-8',
  '/app.js.map': 'application/json; charset=utf-8',
  '/app.css': 'text/css; charset=utf-8',
  '/favicon.svg': 'image/svg+xml',
};

/** Page routes of the SPA (History API): all answered with `index.html`. */
const PAGE = /^\/(?:index\.html|programmes\/[^/]+\/?)?$/;

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * A static server for the SPA: the bundle, `index.html` for every page route (`/`, where MSAL redirects back
 * with the code in the query or fragment, and `/programmes/<id>`), `/spa-config.json`, and the health probes. The bundle is read
 * once at start, so a missing build fails at boot instead of on the first request.
 */
export function createWebServer(publicDir: string, config: SpaConfig): Server {
  const index: Asset = {
    body: readFileSync(join(publicDir, 'index.html')),
    type: 'text/html; charset=utf-8',
  };
  const assets = new Map<string, Asset>(
    Object.entries(ASSETS).map(([path, type]) => [path, { body: readFileSync(join(publicDir, path)), type }]),
  );
  const configBody: Asset = {
    body: Buffer.from(JSON.stringify(config)),
    type: 'application/json; charset=utf-8',
  };
  const csp = contentSecurityPolicy(config);
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://web.invalid').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, text('method not allowed'), csp);
    if (path === '/health/live' || path === '/health/ready')
      return send(res, 200, json({ status: 'ok' }), csp);
    if (path === '/spa-config.json') return send(res, 200, configBody, csp);
    const asset = assets.get(path);
    if (asset !== undefined) return send(res, 200, asset, csp, req);
    if (PAGE.test(path)) return send(res, 200, index, csp, req);
    return send(res, 404, text('not found'), csp);
  });
}

function send(res: ServerResponse, status: number, asset: Asset, csp: string, req?: IncomingMessage): void {
  res.writeHead(status, {
    'content-type': asset.type,
    'content-length': asset.body.length,
    'cache-control': 'no-cache',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    // The authorization code arrives in the URL: never leak it through Referer (OAuth 2.0 Security BCP §4.2.4).
    'referrer-policy': 'no-referrer',
  });
  res.end(req?.method === 'HEAD' ? undefined : asset.body);
}

function text(body: string): Asset {
  return { body: Buffer.from(body), type: 'text/plain; charset=utf-8' };
}

function json(body: unknown): Asset {
  return { body: Buffer.from(JSON.stringify(body)), type: 'application/json; charset=utf-8' };
}

/**
 * Scripts from this origin only; network calls to the BFF and the authorities (B2C: the sign-in and the
 * step-up user flows, normally one host); MSAL's silent iframe.
 */
export function contentSecurityPolicy(config: SpaConfig): string {
  const { authority: signIn, stepUpAuthority } = config.auth;
  const origins = [signIn, ...(stepUpAuthority === undefined ? [] : [stepUpAuthority])].map(
    (url) => new URL(url).origin,
  );
  const authority = [...new Set(origins)].join(' ');
  const bff = new URL(config.bffUrl).origin;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${bff} ${authority}`,
    `frame-src 'self' ${authority}`,
    "frame-ancestors 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}
