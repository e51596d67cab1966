import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import { TokenBrokerConfigError } from './downstream-declarations.schema';
import type { ClientCredential } from './token-broker.options';

/**
 * The environment variables of a confidential client's credential, read the same way by every app that asks
 * the token service for tokens: a secret, a certificate (two PEM files), or a federated token file.
 * `AZURE_FEDERATED_TOKEN_FILE` is the variable AKS's workload identity webhook sets
 * (https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html).
 */
export const CLIENT_CREDENTIAL_ENV = {
  Secret: 'AUTH_CLIENT_SECRET',
  Certificate: 'AUTH_CLIENT_CERTIFICATE_PATH',
  CertificateKey: 'AUTH_CLIENT_CERTIFICATE_KEY_PATH',
  FederatedTokenFile: 'AZURE_FEDERATED_TOKEN_FILE',
} as const;

const E = CLIENT_CREDENTIAL_ENV;

/**
 * The credential variables as a zod shape, for an app's env schema (with {@link clientCredentialEnvIssues}
 * in its `superRefine`): one definition for every app that asks for tokens.
 */
export const clientCredentialEnvShape = {
  [E.Secret]: unsetWhenEmpty(
    `a client secret (local development only); or ${E.Certificate} + ${E.CertificateKey}, or ${E.FederatedTokenFile}`,
  ),
  [E.Certificate]: unsetWhenEmpty(
    `path of the PEM certificate registered on the app (with ${E.CertificateKey})`,
  ),
  [E.CertificateKey]: unsetWhenEmpty(`path of the PEM private key of ${E.Certificate}`),
  [E.FederatedTokenFile]: unsetWhenEmpty(
    "workload identity: path of the federated token (set by AKS's webhook), read again at each token acquisition",
  ),
} as const;

/** An optional string where an empty value (`VAR=` in an env file) means unset. */
function unsetWhenEmpty(description: string) {
  return z
    .preprocess((value) => (value === '' ? undefined : value), z.string().min(1).optional())
    .describe(description);
}
const FEDERATED_FIX = `mount the projected service-account token there (AKS: label the pod azure.workload.identity/use: "true" and annotate its service account with azure.workload.identity/client-id; docs/kubernetes.md) or unset ${E.FederatedTokenFile} and configure ${E.Secret} or a certificate`;

/** A problem with the credential variables: the variable to name and what to do. */
export interface ClientCredentialEnvIssue {
  readonly variable: string;
  readonly message: string;
}

/**
 * Checks that exactly one credential is configured (a secret, both certificate paths, or a federated token
 * file), without touching the files. Meant for an app's env schema, so that boot names every bad variable.
 */
export function clientCredentialEnvIssues(
  env: Readonly<Record<string, unknown>>,
): ClientCredentialEnvIssue[] {
  const set = (name: string): boolean => typeof env[name] === 'string' && env[name] !== '';
  const secret = set(E.Secret);
  const cert = set(E.Certificate);
  const key = set(E.CertificateKey);
  const federated = set(E.FederatedTokenFile);
  const issues: ClientCredentialEnvIssue[] = [];
  const kinds = [secret, cert || key, federated].filter(Boolean).length;
  if (kinds === 0)
    issues.push({
      variable: E.Secret,
      message: `is required unless ${E.Certificate} and ${E.CertificateKey} are set, or ${E.FederatedTokenFile} (workload identity)`,
    });
  if (kinds > 1)
    issues.push({
      variable: federated ? E.FederatedTokenFile : E.Secret,
      message: `set one credential: ${E.Secret}, or ${E.Certificate} with ${E.CertificateKey}, or ${E.FederatedTokenFile} — not several`,
    });
  if (cert !== key)
    issues.push({
      variable: cert ? E.CertificateKey : E.Certificate,
      message: `${E.Certificate} and ${E.CertificateKey} go together`,
    });
  return issues;
}

/**
 * The client credential from the environment (call it once at boot, after {@link clientCredentialEnvIssues}):
 * - `AUTH_CLIENT_SECRET` → a secret;
 * - `AUTH_CLIENT_CERTIFICATE_PATH` + `_KEY_PATH` → the certificate's private key, SHA-256 thumbprint and
 *   `x5c` (Entra's `private_key_jwt` with `x5t#S256`; docs/auth.md);
 * - `AZURE_FEDERATED_TOKEN_FILE` → a federated token file, checked readable now and read again at each
 *   token acquisition ({@link readFederatedToken}).
 * Values are never logged nor put in messages; paths are.
 *
 * @throws TokenBrokerConfigError naming the variable and the file when a file cannot be read or parsed.
 */
export function clientCredentialFromEnv(env: Readonly<Record<string, unknown>>): ClientCredential {
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
  };
  const issues = clientCredentialEnvIssues(env);
  if (issues.length > 0) throw new TokenBrokerConfigError(issues.map((i) => `${i.variable}: ${i.message}`));
  const secret = env[E.Secret];
  if (typeof secret === 'string' && secret !== '') return { kind: 'secret', secret };
  const tokenFile = value(E.FederatedTokenFile);
  if (tokenFile !== undefined) {
    const problem = federatedTokenFileProblem(tokenFile);
    if (problem !== undefined) throw new TokenBrokerConfigError([`${E.FederatedTokenFile}: ${problem}`]);
    return { kind: 'federated-token-file', tokenFilePath: tokenFile };
  }
  const privateKeyPem = readPem(value(E.CertificateKey) ?? '', E.CertificateKey);
  const certPath = value(E.Certificate) ?? '';
  const certificate = parseCertificate(readPem(certPath, E.Certificate), certPath);
  return {
    kind: 'certificate',
    privateKeyPem,
    thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
    x5c: certificate.raw.toString('base64'),
  };
}

/**
 * Why a federated token file cannot be used (missing, unreadable, empty), naming the file and the fix; or
 * undefined when it can. Synchronous: for the boot check.
 */
export function federatedTokenFileProblem(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() === '' ? emptyFile(path) : undefined;
  } catch (error) {
    return unreadable(path, error);
  }
}

/** `error` of a `TokenServiceFailure` when the federated token file could not be read at an acquisition. */
export const FEDERATED_TOKEN_UNREADABLE = 'federated_token_unreadable';

/** The federated token file could not be read at an acquisition (rotated away, permissions, empty). */
export class FederatedTokenFileError extends Error {
  override readonly name = 'FederatedTokenFileError';
}

/**
 * Reads the federated token (a JWT, e.g. a projected Kubernetes service-account token) from `path` — at
 * each call, so that a file the kubelet has rotated is picked up (a token read once at boot expires within
 * the hour). Given to msal-node as its async `clientAssertion` callback.
 *
 * @throws FederatedTokenFileError naming the file and the fix (never the file's content).
 */
export async function readFederatedToken(path: string): Promise<string> {
  let token: string;
  try {
    token = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new FederatedTokenFileError(unreadable(path, error), { cause: error });
  }
  if (token === '') throw new FederatedTokenFileError(emptyFile(path));
  return token;
}

function unreadable(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : 'cannot be read';
  return `the federated token file ${path} ${why}${code ? ` (${code})` : ''}: ${FEDERATED_FIX}`;
}

function emptyFile(path: string): string {
  return `the federated token file ${path} is empty: ${FEDERATED_FIX}`;
}

function readPem(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new TokenBrokerConfigError([`${variable}: cannot read ${path}; point it at a PEM file`]);
  }
}

function parseCertificate(pem: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new TokenBrokerConfigError([`${E.Certificate}: ${path} is not a PEM certificate`]);
  }
}
