import { parseIdentityMode } from '@chain/local-tenant';
import { z } from 'zod';

import { realTenantIssues } from './real-tenant';

const url = (scheme: 'http' | 'https' | 'http(s)') =>
  z
    .string()
    .url('must be an absolute URL')
    .regex(scheme === 'https' ? /^https:\/\// : /^https?:\/\//, `must start with ${scheme}://`);

/**
 * Environment of the web server. `IDENTITY_MODE` selects the kind of tenant (entra, external-id, b2c).
 * Locally everything is derived from that mode's registrations file; for a real tenant set
 * `WEB_CLIENT_ID`, `WEB_AUTHORITY` and `WEB_API_SCOPES` (and, for B2C, `WEB_STEP_UP_AUTHORITY`) instead.
 * (Kept free of `@chain/platform`, a Nest library, so the static server starts in milliseconds.)
 */
export const webEnvSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1').describe('interface to listen on; 0.0.0.0 in a container'),
    PORT: z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .default('8080')
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535))
      .describe('TCP port (default 8080: the registered redirect URI is http://localhost:8080/)'),
    BFF_URL: url('http(s)')
      .default('http://localhost:3000')
      .describe('the BFF base URL as the browser reaches it'),
    EMULATOR_PUBLIC_URL: url('https')
      .default('https://localhost:8443')
      .describe('the local token service as the browser reaches it (MSAL requires https)'),
    IDENTITY_MODE: z
      .string()
      .optional()
      .transform((value, ctx) => {
        try {
          return parseIdentityMode(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^IDENTITY_MODE: /, '') });
          return z.NEVER;
        }
      })
      .describe('entra (default), external-id or b2c: the kind of tenant the chain runs on'),
    EMULATOR_REGISTRATIONS: z
      .string()
      .min(1)
      .optional()
      .describe(
        'path of the local registrations file (default: libs/local-tenant/registrations.yaml, or registrations.<mode>.yaml for external-id and b2c); its tenant kind must equal IDENTITY_MODE',
      ),
    WEB_CLIENT_ID: z.string().min(1).optional().describe('real tenant: the SPA registration client id'),
    WEB_AUTHORITY: url('https')
      .optional()
      .describe(
        'real tenant: https://login.microsoftonline.com/<tenant id> (entra), https://<subdomain>.ciamlogin.com/ (external-id), https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<sign-in user flow> (b2c)',
      ),
    WEB_STEP_UP_AUTHORITY: url('https')
      .optional()
      .describe(
        'real B2C tenant: the user flow that enforces MFA, https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<MFA user flow>',
      ),
    WEB_API_SCOPES: z.string().min(1).optional().describe('real tenant: space-separated BFF scopes'),
    WEB_KNOWN_AUTHORITIES: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      )
      .optional()
      .describe(
        'comma-separated host[:port] list MSAL trusts without instance discovery (B2C: the b2clogin host is added anyway; External ID: a custom URL domain)',
      ),
    WEB_REDIRECT_URI: url('http(s)')
      .optional()
      .describe('fixed redirect URI (default: the page origin + "/")'),
  })
  .superRefine((env, ctx) => {
    if (env.WEB_CLIENT_ID === undefined) return;
    for (const name of ['WEB_AUTHORITY', 'WEB_API_SCOPES'] as const) {
      if (env[name] === undefined)
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required with WEB_CLIENT_ID' });
    }
    for (const issue of realTenantIssues(env))
      ctx.addIssue({ code: 'custom', path: [issue.variable], message: issue.message });
  });

export type WebEnv = z.output<typeof webEnvSchema>;

/** Validates the environment once at boot; the error names every bad variable and how to set it. */
export function loadWebEnv(env: Readonly<Record<string, string | undefined>> = process.env): WebEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = webEnvSchema.safeParse(present);
  if (result.success) return result.data;
  const shape = webEnvSchema.innerType().shape as Record<string, z.ZodTypeAny>;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const fix = shape[name]?.description;
    return `  - ${name}: ${issue.message}${fix === undefined ? '' : ` (fix: ${fix})`}`;
  });
  throw new Error([`web: invalid environment, ${lines.length} problem(s):`, ...lines].join('\n'));
}
