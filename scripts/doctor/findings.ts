/** The checks doctor runs, one name each (stable: the JSON report and the tests use them). */
export const CheckName = {
  Configuration: 'configuration',
  Trust: 'trust',
  Discovery: 'discovery',
  Keys: 'keys',
  Issuer: 'issuer',
  Audience: 'audience',
  Scope: 'scope',
  DefaultScope: 'default-scope',
  AppRole: 'app-role',
  Consent: 'consent',
  AllowList: 'allow-list',
  Clock: 'clock',
  ClientCredentials: 'client-credentials',
  OboReadiness: 'obo-readiness',
} as const;
export type CheckName = (typeof CheckName)[keyof typeof CheckName];

/** `pass`; `fail`: the chain will not work; `warn`: it works, but something is off; `skip`: not checked (why in `message`). */
export const FindingStatus = { Pass: 'pass', Fail: 'fail', Warn: 'warn', Skip: 'skip' } as const;
export type FindingStatus = (typeof FindingStatus)[keyof typeof FindingStatus];

/** One result of one check, in plain words. */
export interface Finding {
  readonly check: CheckName;
  readonly status: FindingStatus;
  /** The app whose configuration the finding is about (`bff`), if one. */
  readonly app?: string;
  /** What inside the app: a downstream name (`PROGRAM`), a variable. */
  readonly subject?: string;
  /** What doctor saw, in plain words. */
  readonly message: string;
  /** What to change, naming the variable or the registration. */
  readonly fix?: string;
  /** The Entra / B2C error this fault produces at run time (`AADSTS65001`); `doctor explain <code>` says more. */
  readonly code?: string;
}

type Where = Pick<Finding, 'app' | 'subject'>;

export const pass = (check: CheckName, where: Where, message: string): Finding => ({
  check,
  status: FindingStatus.Pass,
  ...where,
  message,
});

export const fail = (
  check: CheckName,
  where: Where,
  message: string,
  fix: string,
  code?: string,
): Finding => ({ check, status: FindingStatus.Fail, ...where, message, fix, ...(code ? { code } : {}) });

export const warn = (check: CheckName, where: Where, message: string, fix?: string): Finding => ({
  check,
  status: FindingStatus.Warn,
  ...where,
  message,
  ...(fix ? { fix } : {}),
});

export const skip = (check: CheckName, where: Where, message: string): Finding => ({
  check,
  status: FindingStatus.Skip,
  ...where,
  message,
});
