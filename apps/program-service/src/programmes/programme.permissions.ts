/** Delegated scopes program-service exposes (registrations.yaml). */
export const ProgramScope = { Read: 'Program.Read', ReadWrite: 'Program.ReadWrite' } as const;
export type ProgramScope = (typeof ProgramScope)[keyof typeof ProgramScope];

/** App roles a user can be assigned on program-service; they arrive in the user token's `roles`. */
export const ProgramAppRole = { Underwriter: 'Underwriter' } as const;
export type ProgramAppRole = (typeof ProgramAppRole)[keyof typeof ProgramAppRole];

/**
 * The step-up approval needs: Conditional Access authentication context `c1` (`acrs`), or an MFA
 * sign-in (`amr`) for tenants without authentication contexts (docs/entra-protocol.md#claims-challenges-and-step-up).
 */
export const ApprovalStepUp = { authContext: 'c1', authMethod: 'mfa' } as const;

/** The claims request a client sends to obtain a token that satisfies {@link ApprovalStepUp}. */
export const APPROVAL_CLAIMS_REQUEST = {
  access_token: { acrs: { essential: true, value: ApprovalStepUp.authContext } },
} as const;
