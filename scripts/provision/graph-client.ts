import type { TokenCredential } from '@azure/identity';

/** The Microsoft Graph scope of an app-only token: the permissions granted to the provisioning identity. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** One request as `--dry-run` prints it and the report lists it (the body with credentials redacted). */
export interface GraphRequestRecord {
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
}

/** A Graph error answer, with the request that met it and, when we know it, what to do. */
export class GraphRequestError extends Error {
  constructor(
    readonly request: GraphRequestRecord,
    readonly status: number,
    readonly code: string,
    readonly graphMessage: string,
    readonly hint?: string,
  ) {
    super(
      `Microsoft Graph refused ${request.method} ${request.url}: ${status} ${code}: ${graphMessage}${hint === undefined ? '' : `\n  fix: ${hint}`}`,
    );
    this.name = 'GraphRequestError';
  }
}

/**
 * The least Graph application permission each write needs (the "Permissions" table of its Microsoft Learn
 * page), to say which one to grant when Graph answers 403.
 */
function permissionFor(method: string, path: string): string {
  if (path.includes('/appRoleAssignedTo')) return 'AppRoleAssignment.ReadWrite.All';
  if (path.startsWith('/oauth2PermissionGrants')) return 'DelegatedPermissionGrant.ReadWrite.All';
  if (path.startsWith('/users')) return 'User.Read.All';
  return method === 'GET' ? 'Application.Read.All' : 'Application.ReadWrite.All';
}

export interface GraphClientOptions {
  /** `https://graph.microsoft.com`, or the emulator's origin. */
  readonly graphUrl: string;
  readonly credential: TokenCredential;
  /** Print writes instead of sending them (reads are still sent: they plan the writes). */
  readonly dryRun: boolean;
  /** Names the provisioning identity in the fix of a 403. */
  readonly identity: string;
  readonly onRequest?: (request: GraphRequestRecord, dryRun: boolean) => void;
  /** Retries of a write Graph may refuse while a new object replicates (ms); default 1 s, 2 s, 4 s. */
  readonly retryDelaysMs?: readonly number[];
}

/** A small Microsoft Graph v1.0 client: JSON in and out, Graph's error body turned into {@link GraphRequestError}. */
export class GraphClient {
  private readonly writes: GraphRequestRecord[] = [];

  constructor(private readonly options: GraphClientOptions) {}

  /** The writes sent (or, in a dry run, that would have been sent). */
  get writeLog(): readonly GraphRequestRecord[] {
    return this.writes;
  }

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  async get<T>(path: string): Promise<T> {
    return (await this.send('GET', path)) as T;
  }

  /** Every item of a collection, following `@odata.nextLink`. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const page = (await this.send('GET', next)) as { value: T[]; '@odata.nextLink'?: string };
      items.push(...page.value);
      next = page['@odata.nextLink'];
    }
    return items;
  }

  /**
   * A write (POST / PATCH). In a dry run it is only recorded and printed, and `planned` stands for
   * Graph's answer so the plan can go on.
   */
  async write<T>(method: 'POST' | 'PATCH', path: string, body: unknown, planned: () => T): Promise<T> {
    const record = { method, url: this.url(path), body: redact(body) };
    this.writes.push(record);
    this.options.onRequest?.(record, this.options.dryRun);
    if (this.options.dryRun) return planned();
    const delays = this.options.retryDelaysMs ?? [1000, 2000, 4000];
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.send(method, path, body)) as T;
      } catch (error) {
        // A new application may not have replicated yet when its service principal is created.
        const replicating =
          error instanceof GraphRequestError &&
          error.status === 400 &&
          /does not reference a valid application object/i.test(error.graphMessage);
        const delay = delays[attempt];
        if (!replicating || delay === undefined) throw error;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private url(path: string): string {
    return path.startsWith('https://') ? path : `${this.options.graphUrl.replace(/\/$/, '')}/v1.0${path}`;
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = this.url(path);
    const token = await this.token();
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = text === '' ? undefined : safeJson(text);
    if (response.ok) return json;
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    const code = error?.code ?? `HTTP ${response.status}`;
    const request = { method, url, ...(body === undefined ? {} : { body: redact(body) }) };
    throw new GraphRequestError(
      request,
      response.status,
      code,
      error?.message ?? text.slice(0, 200),
      this.hintFor(response.status, code, method, path),
    );
  }

  private hintFor(status: number, code: string, method: string, path: string): string | undefined {
    const pathOnly = path.replace(/^https:\/\/[^/]+\/v1\.0/, '').split('?')[0] ?? '';
    if (status === 403) {
      const permission = permissionFor(method, pathOnly);
      return `grant the Microsoft Graph application permission ${permission} to ${this.options.identity} and give it admin consent (Entra admin center → App registrations → that app → API permissions → Add a permission → Microsoft Graph → Application permissions → ${permission} → Grant admin consent), then run again.`;
    }
    if (status === 401)
      return `Graph did not accept the token of ${this.options.identity} (${code}): check that the credential is for this tenant and that its token is for Microsoft Graph.`;
    return undefined;
  }

  private async token(): Promise<string> {
    let token;
    try {
      token = await this.options.credential.getToken(GRAPH_SCOPE);
    } catch (error) {
      throw new Error(
        `could not get a Microsoft Graph token for ${this.options.identity}: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    if (token === null) throw new Error(`could not get a Microsoft Graph token for ${this.options.identity}`);
    return token.token;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const SECRET_KEYS = new Set(['secretText', 'password', 'clientSecret', 'value_secret']);

/** A copy of a request body fit to print: secrets replaced, certificate bodies shortened. */
export function redact(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redact);
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([key, value]) => {
      if (SECRET_KEYS.has(key)) return [key, '[redacted]'];
      if (key === 'key' && typeof value === 'string')
        return [key, `[certificate, ${value.length} base64 chars]`];
      return [key, redact(value)];
    }),
  );
}
