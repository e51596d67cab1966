import { APIS, type AppUnderTest, type ChainUnderTest } from './chain-under-test';
import { checkAllowLists } from './checks/allow-lists.check';
import { checkClientCredentials } from './checks/client-credentials.check';
import { checkClock } from './checks/clock.check';
import { checkConsent } from './checks/consent.check';
import { checkEndpoints } from './checks/endpoints.check';
import { checkOboReadiness } from './checks/obo-readiness.check';
import { checkAppRoles, checkAudience, checkDownstreamScopes } from './checks/registrations.check';
import { DoctorContext } from './doctor-context';
import { CheckName, fail, type Finding, FindingStatus } from './findings';

/** What doctor found, for the text and JSON reports. */
export interface DoctorReport {
  /** No check failed. */
  readonly ok: boolean;
  readonly mode?: string;
  readonly registrations?: string;
  /** Each app and where its configuration came from. */
  readonly apps: readonly { readonly name: string; readonly source: string }[];
  readonly findings: readonly Finding[];
  readonly summary: Readonly<Record<FindingStatus, number>>;
}

/**
 * Runs every check against `chain`: the network ones (TLS trust, discovery, issuer, keys, clock, a real
 * client-credentials token per app-token downstream) as each app would make them, the registration ones
 * (audience, scopes, app roles, consent, allow-lists) from the registrations, then OBO readiness from all.
 */
export async function runDoctor(given: ChainUnderTest, localCaFile?: string): Promise<DoctorReport> {
  const findings: Finding[] = given.apps.filter((a) => a.error !== undefined).map(configurationFault);
  const chain = { ...given, apps: given.apps.filter((a) => a.error === undefined) };
  const ctx = new DoctorContext(chain, localCaFile);
  const reachable = new Set<string>();
  for (const app of chain.apps) {
    const result = await checkEndpoints(app, ctx);
    findings.push(...result.findings);
    if (result.reachable) reachable.add(app.name);
  }
  for (const app of chain.apps)
    findings.push(
      ...checkAudience(app, chain),
      ...checkDownstreamScopes(app, chain),
      ...checkAppRoles(app, chain),
    );
  findings.push(...checkConsent(chain));
  for (const app of chain.apps) findings.push(...checkAllowLists(app, chain));
  findings.push(
    ...(await checkClock(
      chain.apps.filter((a) => reachable.has(a.name)),
      ctx,
    )),
  );
  for (const app of chain.apps)
    findings.push(...(await checkClientCredentials(app, chain, reachable.has(app.name))));
  findings.push(...checkOboReadiness(chain, findings));
  return reportOf(given, ordered(findings));
}

function configurationFault(app: AppUnderTest): Finding {
  return fail(
    CheckName.Configuration,
    { app: app.name },
    `the environment of ${app.name} cannot be derived from the registrations: ${app.error ?? ''}`,
    'correct the registrations file (npm start would refuse to start the same way)',
  );
}

/** Chain-wide findings first, then the SPA's, then each API's in the chain's order. */
function ordered(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding): number =>
    f.app === undefined ? -2 : f.app === 'web' ? -1 : APIS.indexOf(f.app);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

function reportOf(chain: ChainUnderTest, findings: Finding[]): DoctorReport {
  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const f of findings) summary[f.status] += 1;
  return {
    ok: summary.fail === 0,
    ...(chain.mode === undefined ? {} : { mode: chain.mode }),
    ...(chain.registrationsPath === undefined ? {} : { registrations: chain.registrationsPath }),
    apps: chain.apps.map((a) => ({ name: a.name, source: a.source })),
    findings,
    summary,
  };
}

export { FindingStatus };
