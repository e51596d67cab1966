import { IdentityMode, parseIdentityMode, type Registrations } from '@chain/local-tenant';

/**
 * The identity mode this run tests: `IDENTITY_MODE` (scripts/test.mjs runs the browser suite once per
 * mode), `entra` when unset. A name that does not exist fails the suite, naming the modes that do.
 */
export function identityModeOfRun(): IdentityMode {
  return parseIdentityMode(process.env['IDENTITY_MODE']);
}

/** What the same journeys must show in the inspector, per mode (docs/identity-modes.md). */
export interface JourneyExpectations {
  /** `data-flow` of the hops that carry the user to program- and documents-service. */
  readonly userFlow: 'on-behalf-of' | 'verified-delegation';
  /** The pill of those hops. */
  readonly userFlowLabel: string;
  /** On the program-service card after the BFF's hop: the scopes (or permission) it was called with. */
  readonly programFromBff: readonly string[];
  /** On the program-service card after documents-service's hop (the second hop). */
  readonly programFromDocuments: readonly string[];
  /** The BFF card (the SPA's token) before and after the step-up, and the program-service card after. */
  readonly stepUp: {
    readonly before: RegExp;
    readonly after: RegExp;
    readonly programAfter?: RegExp;
  };
}

/**
 * Entra ID and External ID: on-behalf-of tokens carry the delegated scopes and, after the claims
 * challenge, `amr [pwd, mfa]` and `acrs [c1]`. B2C: the downstream tokens are the caller's own (client
 * credentials, application permission `Delegation.Act` in `scp`) and the user is in the proof beside them
 * (`user scp`, `user tfp`); the step-up shows as the user flow (`tfp`) becoming the MFA flow, in the SPA's
 * token and in the proof program-service verified.
 */
export function journeyExpectations(mode: IdentityMode, reg: Registrations): JourneyExpectations {
  if (mode !== IdentityMode.B2c) {
    return {
      userFlow: 'on-behalf-of',
      userFlowLabel: 'on-behalf-of',
      programFromBff: ['Program.ReadWrite'],
      programFromDocuments: ['Program.Read'],
      stepUp: { before: /amr\s*pwd$/m, after: /amr\s*pwd mfa/, programAfter: /acrs\s*c1/ },
    };
  }
  const policies = reg.tenants[0]?.policies ?? [];
  const signIn = policies.find((p) => p.default) ?? policies.find((p) => !p.mfa);
  const mfa = policies.find((p) => p.mfa);
  if (signIn === undefined || mfa === undefined)
    throw new Error('the b2c registrations need a sign-in and an MFA user flow');
  return {
    userFlow: 'verified-delegation',
    userFlowLabel: 'verified delegation',
    programFromBff: ['Delegation.Act', 'user scpProgram.ReadWrite'],
    programFromDocuments: ['Delegation.Act', 'user scpProgram.Read'],
    stepUp: {
      before: flowPattern('tfp', signIn.name),
      after: flowPattern('tfp', mfa.name),
      programAfter: flowPattern('user tfp', mfa.name),
    },
  };
}

/** `<key> <user flow>` on a card (SVG text nodes: no space between the key and its value). */
function flowPattern(key: string, policy: string): RegExp {
  return new RegExp(`(^|[^ ])${key}\\s*${policy}`, 'i');
}
