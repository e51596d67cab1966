import {
  type AppUnderTest,
  type ChainUnderTest,
  type DeclaredDownstream,
  downstreamsOf,
} from '../chain-under-test';
import { CheckName, fail, type Finding, FindingStatus, pass } from '../findings';

/** The caller's checks that concern the whole app (its authority) … */
const CALLER_APP_CHECKS: readonly string[] = [CheckName.Trust, CheckName.Discovery];
/** … and those about this one downstream. */
const CALLER_DOWNSTREAM_CHECKS: readonly string[] = [
  CheckName.Scope,
  CheckName.DefaultScope,
  CheckName.Consent,
  CheckName.AppRole,
  CheckName.ClientCredentials,
];
/** The downstream's checks: would it accept what it gets. */
const TARGET_CHECKS: readonly string[] = [
  CheckName.Trust,
  CheckName.Discovery,
  CheckName.Issuer,
  CheckName.Keys,
  CheckName.Audience,
  CheckName.AllowList,
];

function blocks(f: Finding, app: AppUnderTest, d: DeclaredDownstream): boolean {
  if (f.status !== FindingStatus.Fail) return false;
  if (f.check === CheckName.Clock) return true;
  if (f.app === app.name && CALLER_APP_CHECKS.includes(f.check)) return true;
  if (f.app === app.name && f.subject === d.name && CALLER_DOWNSTREAM_CHECKS.includes(f.check)) return true;
  return d.target !== undefined && f.app === d.target && TARGET_CHECKS.includes(f.check);
}

/**
 * Whether each user hop (on-behalf-of, or verified delegation in B2C) would work, from what the other
 * checks found — no user needed: the caller reaches its authority, asks for exposed scopes it holds consent
 * for, and the downstream accepts the tenant's issuer and its own audience.
 */
export function checkOboReadiness(chain: ChainUnderTest, findings: readonly Finding[]): Finding[] {
  return chain.apps.flatMap((app) =>
    downstreamsOf(app)
      .filter((d) => d.flow === 'on-behalf-of' || d.flow === 'verified-delegation')
      .map((d) => readiness(app, d, findings)),
  );
}

function readiness(app: AppUnderTest, d: DeclaredDownstream, findings: readonly Finding[]): Finding {
  const where = { app: app.name, subject: d.name };
  const how = d.flow === 'on-behalf-of' ? 'on-behalf-of' : 'verified delegation';
  const hop = `${how} ${app.name} → ${d.target ?? d.name}`;
  if (
    d.flow === 'verified-delegation' &&
    !app.env['AUTH_DELEGATION_SIGNING_KEY'] &&
    !app.env['AUTH_DELEGATION_SIGNING_KEY_FILE']
  )
    return fail(
      CheckName.OboReadiness,
      where,
      `${hop}: ${app.name} has no delegation key, so it cannot sign the user-delegation proofs`,
      `AUTH_DELEGATION_SIGNING_KEY (PEM) or AUTH_DELEGATION_SIGNING_KEY_FILE for ${app.name}`,
    );
  const blocking = [
    ...new Set(findings.filter((f) => blocks(f, app, d)).map((f) => `${f.check} (${f.app ?? 'chain'})`)),
  ];
  if (blocking.length > 0)
    return fail(
      CheckName.OboReadiness,
      where,
      `${hop} is not ready: ${blocking.join(', ')} failed above`,
      `the fixes of ${blocking.join(', ')}`,
    );
  const scopes = d.flow === 'on-behalf-of' ? d.scopes : d.delegatedScopes;
  return pass(
    CheckName.OboReadiness,
    where,
    `${hop} is ready for ${scopes.join(' ')} (told from the registrations and the configuration; no user needed)`,
  );
}
