import { type AppUnderTest, callerOf, type ChainUnderTest, downstreamsOf } from '../chain-under-test';
import { CheckName, fail, type Finding, pass } from '../findings';

/** A caller of `app` in the chain: who, by which flow, with which delegated scopes. */
interface Caller {
  readonly name: string;
  readonly clientId: string;
  readonly delegatedScopes: readonly string[];
}

function callersOf(app: AppUnderTest, chain: ChainUnderTest, flow: string): Caller[] {
  return chain.apps.flatMap((other) => {
    const clientId = callerOf(other)?.clientId;
    if (clientId === undefined) return [];
    return downstreamsOf(other)
      .filter((d) => d.target === app.name && d.flow === flow)
      .map((d) => ({ name: other.name, clientId, delegatedScopes: d.delegatedScopes }));
  });
}

/** Client ids doctor knows: every registered application, else every app of the chain. */
function knownClients(chain: ChainUnderTest): Map<string, string> {
  const known = new Map<string, string>();
  for (const a of chain.registrations?.applications ?? []) known.set(a.clientId.toLowerCase(), a.name);
  for (const a of chain.apps) {
    const id = callerOf(a)?.clientId;
    if (id !== undefined) known.set(id.toLowerCase(), a.name);
  }
  return known;
}

/**
 * The caller allow-lists (`<APP>_ALLOWED_CALLERS` for client credentials, `AUTH_DELEGATION_CALLERS` for
 * verified delegation): every app of the chain that calls must be listed, and nothing unknown may be.
 */
export function checkAllowLists(app: AppUnderTest, chain: ChainUnderTest): Finding[] {
  const findings: Finding[] = [];
  for (const variable of Object.keys(app.env).filter((k) => k.endsWith('_ALLOWED_CALLERS'))) {
    const listed = (app.env[variable] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    findings.push(...listFindings(app, variable, listed, callersOf(app, chain, 'client-credentials'), chain));
  }
  const delegation = parseDelegationCallers(app.env['AUTH_DELEGATION_CALLERS']);
  if (delegation !== undefined) {
    const callers = callersOf(app, chain, 'verified-delegation');
    findings.push(
      ...listFindings(
        app,
        'AUTH_DELEGATION_CALLERS',
        delegation.map((c) => c.clientId),
        callers,
        chain,
      ),
    );
    findings.push(...delegatedScopeFindings(app, delegation, callers));
  }
  return findings;
}

function listFindings(
  app: AppUnderTest,
  variable: string,
  listed: readonly string[],
  callers: readonly Caller[],
  chain: ChainUnderTest,
): Finding[] {
  const where = { app: app.name, subject: variable };
  const known = knownClients(chain);
  const has = (id: string): boolean => listed.some((l) => l.toLowerCase() === id.toLowerCase());
  const missing = callers.filter((c) => !has(c.clientId));
  const unknown = listed.filter((l) => !known.has(l.toLowerCase()));
  const wanted = [
    ...new Set([...listed.filter((l) => known.has(l.toLowerCase())), ...callers.map((c) => c.clientId)]),
  ];
  const fix = `${variable}=${wanted.join(',')} for ${app.name}`;
  const findings: Finding[] = missing.map((c) =>
    fail(
      CheckName.AllowList,
      where,
      `${c.name} (client id ${c.clientId}) calls ${app.name}, but ${variable} does not list it: ${app.name} answers it 403 caller_not_allowed.`,
      fix,
    ),
  );
  if (unknown.length > 0)
    findings.push(
      fail(
        CheckName.AllowList,
        where,
        `${variable} of ${app.name} lists ${unknown.join(', ')}, which is no application of the tenant: a typo, or a caller that should not be let in.`,
        fix,
      ),
    );
  if (findings.length === 0)
    findings.push(
      pass(
        CheckName.AllowList,
        where,
        `${variable} of ${app.name} lists ${callers.map((c) => c.name).join(', ') || 'its callers'} and no unknown client`,
      ),
    );
  return findings;
}

interface DelegationCaller {
  readonly clientId: string;
  readonly scopes: readonly string[];
}

function parseDelegationCallers(value: string | undefined): DelegationCaller[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.map((entry: unknown) => {
      const { clientId, scopes } = (entry ?? {}) as { clientId?: unknown; scopes?: unknown };
      const list = Array.isArray(scopes)
        ? scopes.filter((s): s is string => typeof s === 'string')
        : typeof scopes === 'string'
          ? scopes.split(/\s+/).filter(Boolean)
          : [];
      return { clientId: typeof clientId === 'string' ? clientId : '', scopes: list };
    });
  } catch {
    return [];
  }
}

function delegatedScopeFindings(
  app: AppUnderTest,
  listed: readonly DelegationCaller[],
  callers: readonly Caller[],
): Finding[] {
  return callers.flatMap((c) => {
    const entry = listed.find((l) => l.clientId.toLowerCase() === c.clientId.toLowerCase());
    const missing = entry === undefined ? [] : c.delegatedScopes.filter((s) => !entry.scopes.includes(s));
    if (missing.length === 0) return [];
    return [
      fail(
        CheckName.AllowList,
        { app: app.name, subject: 'AUTH_DELEGATION_CALLERS' },
        `${c.name} conveys ${missing.join(', ')} to ${app.name}, which allows it only ${entry?.scopes.join(', ') || 'nothing'}: 403 delegation_scope_not_allowed.`,
        `add ${missing.join(', ')} to the scopes of ${c.clientId} in AUTH_DELEGATION_CALLERS of ${app.name}`,
      ),
    ];
  });
}
