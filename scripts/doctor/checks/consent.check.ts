import type { ApplicationRegistration, Registrations } from '@chain/local-tenant';

import {
  appIdUriOf,
  type ChainUnderTest,
  type DeclaredDownstream,
  downstreamsOf,
  nameOfScope,
  registrationOf,
} from '../chain-under-test';
import { CheckName, fail, type Finding, pass, skip } from '../findings';
import { grantOf, GRAPH_PERMISSION, targetOf } from './registrations.check';

/** Consent for each delegated permission of the chain: the SPA's, the first hop's and the second hop's. */
export function checkConsent(chain: ChainUnderTest): Finding[] {
  const reg = chain.registrations;
  if (reg === undefined)
    return [
      skip(CheckName.Consent, {}, `whether each delegated permission is consented ${GRAPH_PERMISSION}`),
    ];
  const callees = new Set(
    chain.apps.flatMap((a) =>
      downstreamsOf(a)
        .filter(isUserFlow)
        .map((d) => d.target),
    ),
  );
  const middleTiers = chain.apps.flatMap((app) =>
    downstreamsOf(app)
      .filter(isUserFlow)
      .map((d) => consentFinding(app.name, d.name, d, targetOf(d, reg), reg, callees.has(app.name))),
  );
  return [...spaConsent(reg, chain), ...middleTiers];
}

function isUserFlow(d: DeclaredDownstream): boolean {
  return d.flow === 'on-behalf-of' || d.flow === 'verified-delegation';
}

/** The SPA's own permissions on the APIs it signs users in for (the first hop's consent). */
function spaConsent(reg: Registrations, chain: ChainUnderTest): Finding[] {
  const apis = new Set(chain.apps.map((a) => a.name));
  return reg.applications
    .filter((a) => a.type === 'spa')
    .flatMap((spa) =>
      spa.requiredResourceAccess
        .filter((r) => apis.has(r.resource) && r.delegated.length > 0)
        .map((r) => {
          const target = registrationOf(reg, r.resource) as ApplicationRegistration;
          const d = {
            name: r.resource,
            flow: 'sign-in',
            scopes: r.delegated.map((s) => `${appIdUriOf(target)}/${s}`),
            delegatedScopes: [],
          };
          return consentFinding(spa.name, r.resource, d, target, reg, false);
        }),
    );
}

function consentFinding(
  client: string,
  subject: string,
  d: DeclaredDownstream,
  target: ApplicationRegistration | undefined,
  reg: Registrations,
  secondHop: boolean,
): Finding {
  const where = { app: client, subject };
  if (target === undefined)
    return skip(CheckName.Consent, where, `downstream ${d.name} is no application of the registrations`);
  const names =
    d.flow === 'verified-delegation'
      ? d.delegatedScopes
      : d.scopes.map(nameOfScope).filter((n) => n !== '.default');
  const grant = grantOf(registrationOf(reg, client), target.name);
  const missing = names.filter((n) => grant.delegated.get(n) !== true);
  const hop = secondHop ? `second hop (${client} → ${target.name}): ` : '';
  if (missing.length === 0)
    return pass(
      CheckName.Consent,
      where,
      `${hop}${client} holds consent for ${names.join(', ')} on ${target.name}`,
    );
  const requested = missing.filter((n) => grant.delegated.has(n));
  const state =
    requested.length === missing.length ? 'requests but holds no admin consent for' : 'does not request';
  const effect =
    d.flow === 'sign-in'
      ? 'users are asked to consent at sign-in, and cannot where user consent is off'
      : d.flow === 'on-behalf-of'
        ? `the on-behalf-of exchange fails with AADSTS65001 (consent_required) and the user gets 403 consent_required`
        : `${target.name} does not list ${client} among the callers it accepts delegations from`;
  return fail(
    CheckName.Consent,
    where,
    `${hop}${client} ${state} the delegated permission ${missing.join(', ')} on ${target.name}: ${effect}.`,
    `grant admin consent to ${client} for ${missing.map((n) => `${appIdUriOf(target)}/${n}`).join(' ')} (registrations: requiredResourceAccess of ${client}: resource ${target.name}, delegated [${missing.join(', ')}], consented: true; portal: ${client} → API permissions → Grant admin consent)`,
    d.flow === 'verified-delegation' ? undefined : 'AADSTS65001',
  );
}
