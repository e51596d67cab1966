/**
 * What kind of network failure an outbound call (token service, JWKS, readiness probe) met, read from
 * the Node.js error `code` — never from message text — so that a log line can name the cause and its fix.
 */
export const TransportCauseKind = {
  /** The server's certificate is not trusted, expired or names another host. */
  Tls: 'tls',
  /** The host name does not resolve. */
  Dns: 'dns',
  /** Nothing listens at the address, or the network is unreachable. */
  Refused: 'refused',
  /** The connection was reset or closed before an answer. */
  Reset: 'reset',
  /** No answer in time. */
  Timeout: 'timeout',
  /** Anything else (the code, if any, is still reported). */
  Other: 'other',
} as const;

/** `'tls' | 'dns' | 'refused' | 'reset' | 'timeout' | 'other'`. */
export type TransportCauseKind = (typeof TransportCauseKind)[keyof typeof TransportCauseKind];

/** The classified cause of a transport failure. */
export interface TransportCause {
  readonly kind: TransportCauseKind;
  /** The Node.js / OpenSSL error code, e.g. `SELF_SIGNED_CERT_IN_CHAIN` or `ENOTFOUND`. */
  readonly code?: string;
}

/** Certificate-chain codes a private CA causes: trusting the CA is the fix. */
const UNTRUSTED_CA_CODES: ReadonlySet<string> = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
const OTHER_TLS_CODES: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);
const DNS_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const REFUSED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** The first string `code` along `error` and its `cause` chain (fetch wraps the socket error in `cause`). */
export function transportCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies a transport error (or a bare code) by its Node.js error code. */
export function transportCauseOf(errorOrCode: unknown): TransportCause {
  const code = typeof errorOrCode === 'string' ? errorOrCode : transportCodeOf(errorOrCode);
  if (code === undefined) return { kind: TransportCauseKind.Other };
  if (UNTRUSTED_CA_CODES.has(code) || OTHER_TLS_CODES.has(code))
    return { kind: TransportCauseKind.Tls, code };
  if (DNS_CODES.has(code)) return { kind: TransportCauseKind.Dns, code };
  if (REFUSED_CODES.has(code)) return { kind: TransportCauseKind.Refused, code };
  if (RESET_CODES.has(code)) return { kind: TransportCauseKind.Reset, code };
  if (TIMEOUT_CODES.has(code)) return { kind: TransportCauseKind.Timeout, code };
  return { kind: TransportCauseKind.Other, code };
}

/** `host[:port]` of `url`, or `url` itself when it does not parse (for log lines). */
export function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** What to name in a hint: the host called and how this app is told to trust a CA for it. */
export interface TransportHintTarget {
  /** `host[:port]` that was called. */
  readonly host: string;
  /** The setting that names the address, e.g. `AUTH_JWKS_URI`. */
  readonly addressSetting: string;
  /** Besides `NODE_EXTRA_CA_CERTS`, the option that adds a CA for this call, if any. */
  readonly caOption?: string;
}

/** A one-sentence fix for a transport cause, or undefined when there is nothing specific to say. */
export function transportHint(cause: TransportCause, target: TransportHintTarget): string | undefined {
  const code = cause.code ?? '';
  if (cause.kind === TransportCauseKind.Tls) return tlsHint(code, target);
  if (cause.kind === TransportCauseKind.Dns)
    return `the host ${target.host} does not resolve (DNS ${code}): check the host name in ${target.addressSetting} and the DNS of this environment`;
  if (cause.kind === TransportCauseKind.Refused)
    return `nothing answers at ${target.host} (${code}): check ${target.addressSetting} and that the server is up`;
  return undefined;
}

function tlsHint(code: string, target: TransportHintTarget): string {
  if (UNTRUSTED_CA_CODES.has(code)) {
    const option = target.caOption ? ` (or the ${target.caOption} option)` : '';
    return `the TLS certificate of ${target.host} is not trusted (${code}): trust the CA that issued it with NODE_EXTRA_CA_CERTS=<path of the CA's PEM file>${option}, read when the process starts; never disable certificate checks`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the TLS certificate of ${target.host} does not name that host (${code}): use the host name the certificate was issued for in ${target.addressSetting}`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO')
    return `${target.host} did not answer TLS (${code}): check whether ${target.addressSetting} should use http or https and the port`;
  return `the TLS certificate of ${target.host} is not valid now (${code}): renew it`;
}
