import { z } from 'zod';

const url = (scheme: 'http' | 'https' | 'http(s)') =>
  z
    .string()
    .url('must be an absolute URL')
    .regex(scheme === 'https' ? /^https:\/\// : /^https?:\/\//, `must start with ${scheme}://`);

/**
 * Environment of the web server. Locally everything is derived from the registrations file; for a real
 * Entra or B2C tenant set `WEB_CLIENT_ID`, `WEB_AUTHORITY` and `WEB_API_SCOPES` instead.
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
    EMULATOR_REGISTRATIONS: z.string().min(1).optional().describe('path of registrations.yaml'),
    WEB_CLIENT_ID: z.string().min(1).optional().describe('real tenant: the SPA registration client id'),
    WEB_AUTHORITY: url('https')
      .optional()
      .describe('real tenant: https://login.microsoftonline.com/<tenant id>'),
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
      .describe('comma-separated host[:port] list, e.g. <tenant>.b2clogin.com'),
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
