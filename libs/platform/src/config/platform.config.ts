import { z } from 'zod';

import { platformEnvShape } from './env-fields';
import { parseEnv } from './parse-env';

/** The variables the platform itself reads when an app does not pass them explicitly. */
export type PlatformEnv = z.output<z.ZodObject<ReturnType<typeof platformEnvShape>>>;

/**
 * Reads `HOST`, `PORT`, `LOG_LEVEL` and `CHAIN_TRACE` from `process.env` (the one place the
 * platform touches the environment). Apps normally parse these in their own config and pass them in.
 */
export function loadPlatformEnv(appName: string, defaultPort: number): PlatformEnv {
  return parseEnv(z.object(platformEnvShape(defaultPort)), process.env, appName);
}
