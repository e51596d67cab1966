import { resolve } from 'node:path';

/** The environment variables doctor reads, as `npm start` and scripts/get-token.mjs read them. */
export interface DoctorEnvDefaults {
  /** IDENTITY_MODE */
  readonly identityMode?: string;
  /** REGISTRATIONS */
  readonly registrationsPath?: string;
  /** EMULATOR_PUBLIC_URL, else https://localhost:<EMULATOR_PORT or 8443> */
  readonly emulatorUrl: string;
  /** <EMULATOR_DATA_DIR or .local/emulator>/ca.pem */
  readonly caFile: string;
}

/** Reads the defaults once (the one place doctor touches `process.env`). */
export function doctorEnvDefaults(root: string, env: NodeJS.ProcessEnv = process.env): DoctorEnvDefaults {
  return {
    ...(env['IDENTITY_MODE'] ? { identityMode: env['IDENTITY_MODE'] } : {}),
    ...(env['REGISTRATIONS'] ? { registrationsPath: env['REGISTRATIONS'] } : {}),
    emulatorUrl: env['EMULATOR_PUBLIC_URL'] ?? `https://localhost:${env['EMULATOR_PORT'] ?? 8443}`,
    caFile: resolve(root, env['EMULATOR_DATA_DIR'] ?? resolve(root, '.local', 'emulator'), 'ca.pem'),
  };
}
