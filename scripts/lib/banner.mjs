// What `npm start` prints once the chain is ready: the URLs, the demo users and commands to paste.

/** The text of the ready banner. `apps`: [{ name, url }]; `users`: registrations users. */
export function readyBanner({
  apps,
  users,
  emulatorUrl,
  tenantId,
  caFile,
  seconds,
  hasWeb,
  webUrl,
  bffUrl,
  tokenEnv,
  mode = 'entra',
  identity,
}) {
  const width = Math.max(...apps.map((a) => a.name.length));
  const lines = [
    '',
    `entra-api-chain is ready (${seconds.toFixed(1)} s). Ctrl-C stops everything.`,
    '',
    ...apps.map((a) => `  ${a.name.padEnd(width)}  ${a.url}${a.docs ? `   (OpenAPI: ${a.url}/docs)` : ''}`),
    '',
    `  identity mode: ${MODE_TITLES[mode] ?? mode}   (npm start -- --identity entra|external-id|b2c)`,
    `  tenant ${tenantId}, authority ${identity?.spaAuthority ?? `${emulatorUrl}/${tenantId}`}`,
    `  issuer ${identity?.issuer ?? `${emulatorUrl}/${tenantId}/v2.0`}`,
    ...(identity?.stepUpAuthority ? [`  step-up (MFA) user flow: ${identity.stepUpAuthority}`] : []),
    `  ${MODE_FLOWS[mode] ?? ''}`,
    `  local CA: ${caFile}  (trust it in your browser to use the SPA)`,
    '',
    'Demo users (local only; second-factor code when asked):',
    ...users.map(
      (u) => `  ${u.username.padEnd(40)} ${u.password.padEnd(16)} ${u.mfa?.code ?? ''}  ${describe(u)}`,
    ),
    '',
    'Get a token and call the BFF:',
    `  TOKEN=$(${tokenEnv}node scripts/get-token.mjs alice)`,
    `  curl -s -H "Authorization: Bearer $TOKEN" ${bffUrl}/api/me`,
    `  curl -s -H "Authorization: Bearer $TOKEN" ${bffUrl}/api/programmes`,
    `  curl -s -H "Authorization: Bearer $TOKEN" ${bffUrl}/api/chain      # hops, audiences, cache hits`,
    `  ${tokenEnv}node scripts/get-token.mjs alice --claims-only                # the decoded claims, no token`,
    `  curl -s --cacert ${caFile} ${identity?.spaAuthority ?? `${emulatorUrl}/${tenantId}`}/v2.0/.well-known/openid-configuration`,
  ];
  if (hasWeb) {
    lines.push('', `Open ${webUrl} and sign in as one of the users above.`);
    if (new URL(webUrl).port !== '8080')
      lines.push(
        '  (the SPA is registered with the redirect URI http://localhost:8080/: sign-in needs WEB_PORT=8080)',
      );
  }
  return `${lines.join('\n')}\n`;
}

function describe(user) {
  const a = user.attributes ?? {};
  const roles = (user.appRoleAssignments ?? []).map((r) => `${r.role} on ${r.resource}`);
  const custom = Object.entries(user.customAttributes ?? {}).map(([k, v]) => `extension_${k}=${v}`);
  const idp = user.identityProvider ? [`signs in with ${user.identityProvider}`] : [];
  return [a.role, a.brokerage, ...roles, ...custom, ...idp].filter(Boolean).join(', ');
}

const MODE_TITLES = {
  entra: 'entra (Microsoft Entra ID, workforce tenant)',
  'external-id': 'external-id (Microsoft Entra External ID, external tenant)',
  b2c: 'b2c (Azure AD B2C)',
};

const MODE_FLOWS = {
  entra:
    'bff → program, documents: on-behalf-of; bff → pricing: client credentials; step-up: Conditional Access claims challenge',
  'external-id':
    'bff → program, documents: on-behalf-of; bff → pricing: client credentials; step-up: Conditional Access claims challenge',
  b2c: 'bff → program, documents: verified delegation (B2C has no on-behalf-of); bff → pricing: client credentials; step-up: the MFA user flow',
};
