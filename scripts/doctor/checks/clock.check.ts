import { type AppUnderTest, resourceServerOf } from '../chain-under-test';
import type { DoctorContext } from '../doctor-context';
import { CheckName, fail, type Finding, pass, skip, warn } from '../findings';
import { trustOf } from '../https-probe';
import { discoveryUrlOf } from './endpoints.check';

/** Above this, tokens still validate, but the margin for a slow hop is being eaten. */
const WARN_SKEW_SECONDS = 5;

/**
 * This machine's clock against the identity provider's (its `Date` header), within the smallest
 * `AUTH_CLOCK_TOLERANCE_SECONDS` of the APIs: beyond it, fresh tokens are "not yet valid" (nbf) or expire
 * early (exp) and OBO assertions fail with AADSTS500133. Doctor runs beside the apps: their clock is this one.
 */
export async function checkClock(apps: readonly AppUnderTest[], ctx: DoctorContext): Promise<Finding[]> {
  const app = apps.find((a) => discoveryUrlOf(a) !== undefined);
  const url = app === undefined ? undefined : discoveryUrlOf(app);
  if (app === undefined || url === undefined)
    return [skip(CheckName.Clock, {}, 'no identity provider reachable with a trusted certificate')];
  const fetched = await ctx.get(url, trustOf(app.env['NODE_EXTRA_CA_CERTS']));
  if (!fetched.ok) return [skip(CheckName.Clock, {}, `${new URL(url).host} is unreachable`)];
  const date = fetched.headers.date;
  const theirs = date === undefined ? NaN : Date.parse(date);
  if (!fetched.ok || Number.isNaN(theirs))
    return [skip(CheckName.Clock, {}, `${new URL(url).host} sent no Date header`)];
  // Date has whole seconds: allow the one second it rounds away.
  const skew = (fetched.receivedAtMs - theirs) / 1_000;
  const shown =
    Math.abs(skew) < 1
      ? 'less than a second'
      : `${Math.abs(skew).toFixed(0)} s (${skew > 0 ? 'this machine ahead' : 'this machine behind'})`;
  const tolerance = Math.min(60, ...apps.flatMap((a) => resourceServerOf(a)?.clockToleranceSeconds ?? []));
  const host = new URL(url).host;
  if (Math.abs(skew) - 1 > tolerance)
    return [
      fail(
        CheckName.Clock,
        {},
        `this clock and ${host}'s differ by ${shown}, more than the ${tolerance} s the APIs tolerate: tokens look not yet valid or expired.`,
        'synchronise the clock (NTP: timedatectl set-ntp true; containers take the host clock)',
        'AADSTS500133',
      ),
    ];
  if (Math.abs(skew) - 1 > WARN_SKEW_SECONDS)
    return [
      warn(
        CheckName.Clock,
        {},
        `this clock and ${host}'s differ by ${shown} (tolerated: ${tolerance} s)`,
        'synchronise the clock (NTP)',
      ),
    ];
  return [
    pass(
      CheckName.Clock,
      {},
      `this clock and ${host}'s agree within ${shown === 'less than a second' ? 'a second' : shown} (tolerated: ${tolerance} s)`,
    ),
  ];
}
