import { commaList, httpUrl, parseEnv, portNumber } from '@chain/platform';
import { z } from 'zod';

const httpsUrl = () => httpUrl().regex(/^https:\/\//, 'must be https (MSAL refuses an http authority)');

/**
 * Environment of the web server. Locally everything is derived from the registrations file; for a real
 * Entra or B2C tenant set `WEB_CLIENT_ID`, `WEB_AUTHORITY` and `WEB_API_SCOPES` instead.
 */
export const webEnvSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1').describe('interface to listen on; 0.0.0.0 in a container'),
    PORT: portNumber(8080).describe('TCP port (default 8080, the registered redirect URI port)'),
    BFF_URL: httpUrl().default('http://localhost:3000').describe('the BFF base URL as the browser reaches it'),
    EMULATOR_PUBLIC_URL: httpsUrl()
      .default('https://localhost:8443')
      .describe('the local token service as the browser reaches it (its issuer host)'),
    EMULATOR_REGISTRATIONS: z.string().min(1).optional().describe('path of registrations.yaml'),
    WEB_CLIENT_ID: z.string().min(1).optional().describe('real tenant: the SPA registration client id'),
    WEB_AUTHORITY: httpsUrl().optional().describe('real tenant: https://login.microsoftonline.com/<tenant id>'),
    WEB_API_SCOPES: z.string().min(1).optional().describe('real tenant: space-separated BFF scopes'),
    WEB_KNOWN_AUTHORITIES: commaList().optional().describe('host[:port] list, e.g. <tenant>.b2clogin.com'),
    WEB_REDIRECT_URI: httpUrl().optional().describe('fixed redirect URI (default: the page origin + "/")'),
  })
  .superRefine((env, ctx) => {
    if (env.WEB_CLIENT_ID === undefined) return;
    for (const name of ['WEB_AUTHORITY', 'WEB_API_SCOPES'] as const) {
      if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is required with WEB_CLIENT_ID' });
    }
  });

export type WebEnv = z.output<typeof webEnvSchema>;

/** Reads and validates the process environment once at boot; throws naming every bad variable. */
export function loadWebEnv(env: NodeJS.ProcessEnv = process.env): WebEnv {
  return parseEnv(webEnvSchema, env, 'web');
}
