import {
  defaultLocalEndpoints,
  loadRegistrationsFor,
  localAppEnv,
  type Registrations,
  ServiceApp,
} from '@chain/local-tenant';

import { APIS, type ChainUnderTest } from '../chain-under-test';
import type { Finding } from '../findings';
import { checkAllowLists } from './allow-lists.check';
import { checkConsent } from './consent.check';
import { checkAppRoles, checkDownstreamScopes } from './registrations.check';

const entra = loadRegistrationsFor('entra');

/** The local entra chain as `npm start` derives it, with `edit` applied to a copy of the registrations first. */
function localChain(
  edit: (reg: Registrations) => Registrations = (r) => r,
  envEdit: Partial<Record<ServiceApp, Record<string, string>>> = {},
): ChainUnderTest {
  const registrations = edit(structuredClone(entra));
  const apps = APIS.map((name) => ({
    name,
    env: { ...localAppEnv(name, defaultLocalEndpoints(), registrations), ...envEdit[name] },
    source: 'test',
  }));
  return { mode: 'entra', registrations, registrationsPath: 'test', apps };
}

function app(chain: ChainUnderTest, name: ServiceApp): ChainUnderTest['apps'][number] {
  return chain.apps.find((a) => a.name === name) as ChainUnderTest['apps'][number];
}

const failures = (findings: Finding[]): Finding[] => findings.filter((f) => f.status === 'fail');

describe('the checks doctor makes from the registrations alone', () => {
  it('pass on the local chain as npm start derives it', () => {
    const chain = localChain();
    const findings = [
      ...chain.apps.flatMap((a) => [
        ...checkDownstreamScopes(a, chain),
        ...checkAppRoles(a, chain),
        ...checkAllowLists(a, chain),
      ]),
      ...checkConsent(chain),
    ];
    expect(failures(findings)).toEqual([]);
    expect(findings.length).toBeGreaterThan(10);
  });

  it('fail an application permission requested without admin consent: the token carries no role (403 app_role_missing)', () => {
    const chain = localChain((reg) => {
      const bff = reg.applications.find((a) => a.name === 'bff');
      const pricing = bff?.requiredResourceAccess.find((r) => r.resource === 'pricing-service');
      if (pricing) pricing.consented = false;
      return reg;
    });
    const [fault] = failures(checkAppRoles(app(chain, ServiceApp.Bff), chain));
    expect(fault?.message).toMatch(
      /requests Pricing\.Read\.All on pricing-service without admin consent.*403 app_role_missing/,
    );
    expect(fault?.fix).toMatch(/consented: true/);
  });

  it("fail a downstream whose scope names another API than the downstream's", () => {
    const chain = localChain(undefined, {
      bff: { DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://documents-service/Documents.ReadWrite' },
    });
    const [fault] = failures(checkDownstreamScopes(app(chain, ServiceApp.Bff), chain));
    expect(fault?.message).toMatch(
      /asks for tokens for documents-service, but downstream PROGRAM is program-service/,
    );
    expect(fault?.fix).toBe('DOWNSTREAM_APIS__PROGRAM__SCOPES=api://program-service/Documents.ReadWrite');
  });

  it('fail a resource no application of the tenant has (AADSTS500011)', () => {
    const chain = localChain(undefined, {
      bff: { DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-servce/Program.ReadWrite' },
    });
    const [fault] = failures(checkDownstreamScopes(app(chain, ServiceApp.Bff), chain));
    expect(fault).toMatchObject({
      code: 'AADSTS500011',
      fix: 'DOWNSTREAM_APIS__PROGRAM__SCOPES=api://program-service/Program.ReadWrite',
    });
  });

  it('fail a verified-delegation caller whose delegated scopes the callee does not allow it', () => {
    const chain = localChain(undefined, {
      bff: {
        DOWNSTREAM_APIS__PROGRAM__FLOW: 'verified-delegation',
        DOWNSTREAM_APIS__PROGRAM__SCOPES: 'api://program-service/.default',
        DOWNSTREAM_APIS__PROGRAM__DELEGATED_SCOPES: 'Program.ReadWrite',
      },
      'program-service': {
        AUTH_DELEGATION_CALLERS: JSON.stringify([
          {
            clientId: entra.applications.find((a) => a.name === 'bff')?.clientId,
            jwksUri: 'http://127.0.0.1:3000/.well-known/delegation-jwks.json',
            scopes: ['Program.Read'],
          },
        ]),
      },
    });
    const faults = failures(checkAllowLists(app(chain, ServiceApp.Program), chain));
    expect(faults.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /bff conveys Program\.ReadWrite to program-service, which allows it only Program\.Read/,
      ),
    ]);
  });
});
