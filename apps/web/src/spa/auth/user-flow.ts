/**
 * The user flow (policy) of a B2C authority: its last path segment, as MSAL expects it
 * (`https://<host>/<tenant>/<user flow>`; the `?p=` form is not supported). Undefined without one.
 */
export function userFlowOf(authority: string | undefined): string | undefined {
  if (authority === undefined) return undefined;
  return new URL(authority).pathname
    .split('/')
    .filter((s) => s !== '')
    .pop();
}
