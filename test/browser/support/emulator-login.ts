import type { Page } from 'playwright-core';

export interface DemoLogin {
  readonly username: string;
  readonly password: string;
  /** The user's demo second-factor code (registrations.yaml `mfa.code`). */
  readonly otp: string;
  /** B2C social account: signs in on that identity provider's (emulated) page, not the tenant's form. */
  readonly identityProvider?: string;
}

/**
 * Goes through the emulator's pages as a person would (CONTRACTS.md "Emulator login form"): the password
 * form (`#sign-in`), then the second-factor form (`#verify`) when the sign-in or the claims ask for one,
 * until the browser is back on the SPA's origin. `onSecondFactor` runs while the code form is shown.
 */
export async function passEmulatorLogin(
  page: Page,
  spaOrigin: string,
  login: DemoLogin,
  onSecondFactor?: () => Promise<void>,
): Promise<{ secondFactor: boolean }> {
  let secondFactor = false;
  const password = page.locator('input[name="password"]');
  const otp = page.locator('input[name="otp"]');
  const onSpa = () => new URL(page.url()).origin === spaOrigin;
  await page.waitForURL((url) => url.origin !== spaOrigin);
  for (let step = 0; step < 3 && !onSpa(); step++) {
    await password.or(otp).first().waitFor({ timeout: 20_000 });
    if (await otp.isVisible()) {
      secondFactor = true;
      await onSecondFactor?.();
      await otp.fill(login.otp);
      await page.click('#verify');
    } else {
      if (login.identityProvider !== undefined) await toIdentityProvider(page, login.identityProvider);
      const username = page.locator('input[name="username"]');
      if ((await username.inputValue()) !== login.username) await username.fill(login.username);
      await password.fill(login.password);
      await page.click('#sign-in');
    }
    // Either back on the SPA (302 with the code) or the next form of the emulator.
    await Promise.race([
      page.waitForURL((url) => url.origin === spaOrigin, { timeout: 20_000 }),
      page.waitForLoadState('load').then(() => password.or(otp).first().waitFor({ timeout: 20_000 })),
    ]).catch(() => undefined);
  }
  if (onSpa()) return { secondFactor };
  throw new Error(`still at ${new URL(page.url()).origin} after the login steps`);
}

/**
 * From a B2C sign-in page to the page of the social identity provider: the link "Sign in with <idp>"
 * (`id="idp-<idp>"`); the provider's page posts back with a hidden `idp` field. Nothing to do when the
 * browser is already there.
 */
async function toIdentityProvider(page: Page, idp: string): Promise<void> {
  const onProvider = page.locator(`input[type="hidden"][name="idp"][value="${idp}"]`);
  if ((await onProvider.count()) > 0) return;
  await page.click(`a.idp[id="idp-${idp}"]`);
  await onProvider.waitFor({ state: 'attached', timeout: 20_000 });
}
