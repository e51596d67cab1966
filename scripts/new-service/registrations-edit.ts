import { applicationFor, parseRegistrations, type Registrations, TenantKind } from '@chain/local-tenant';
import { parseDocument, type YAMLMap } from 'yaml';

import type { ServiceNames } from './names';
import {
  blockMap,
  blockSeq,
  dashColumn,
  endOfNode,
  flowList,
  insertAt,
  keyColumn,
  scalar,
} from './yaml-insert';

/** The application permission B2C callers hold to convey users by verified delegation (docs/identity-modes.md). */
export const DEFAULT_DELEGATION_PERMISSION = 'Delegation.Act';

/** What {@link addServiceRegistration} adds. */
export interface NewRegistration {
  readonly names: ServiceNames;
  /** A fresh client id (GUID) for this file's registration. */
  readonly clientId: string;
  /** The chain's APIs (chain.yaml), to place the new registration after the last of them. */
  readonly apis: readonly string[];
}

/**
 * Adds a resource API's registration to a registrations file, and to the BFF's registration a consented
 * delegated permission on it, leaving the rest of the file byte for byte (comments included):
 *
 * - a confidential app with a fresh client id, no secret (it calls nothing), App ID URI in the file's own
 *   form (`api://<name>`, `api://<tenant>/<name>`, `https://<domain>/<name>`: that of the other APIs),
 *   v2 tokens, the delegated scope;
 * - in a B2C file (no on-behalf-of): the application permission callers hold to convey users by verified
 *   delegation (`Delegation.Act`, as the file's other user-level APIs), granted to the BFF beside the scope.
 *
 * The result is parsed with the registrations schema before it is returned.
 */
export function addServiceRegistration(text: string, file: string, added: NewRegistration): string {
  const before = parseRegistrations(text, file);
  const { names } = added;
  if (before.applications.some((a) => a.name === names.name || a.role === names.name))
    throw new Error(`${file}: an application named ${names.name} exists already`);
  const bff = applicationFor(before, 'bff');
  const b2c = before.tenants[0]?.kind === TenantKind.B2c;
  const delegation = b2c ? delegationPermissionOf(before, bff.name) : undefined;

  const doc = parseDocument(text);
  const apps = blockSeq(doc.get('applications', true), `${file}: applications`);
  const bffIndex = before.applications.findIndex((a) => a.name === bff.name);
  const bffNode = blockMap(apps.items[bffIndex], `${file}: the registration of ${bff.name}`);

  // Edit from the end of the file backwards, so that each offset is still the parsed one.
  const appIndex = lastIndexWhere(before.applications, (a) => added.apis.includes(a.role ?? a.name));
  const appAfter = apps.items[appIndex >= 0 ? appIndex : apps.items.length - 1]!;
  const edits: { offset: number; text: string }[] = [
    {
      offset: endOfNode(text, appAfter),
      text: `\n${registrationYaml(names, added.clientId, identifierUriOf(before, names.name), delegation, dashColumn(text, apps))}`,
    },
    bffAccessEdit(text, bffNode, names, delegation),
  ];
  let out = text;
  for (const edit of edits.sort((a, b) => b.offset - a.offset)) out = insertAt(out, edit.offset, edit.text);

  const after = parseRegistrations(out, file);
  const grant = applicationFor(after, 'bff').requiredResourceAccess.find((r) => r.resource === names.name);
  if (grant === undefined || !after.applications.some((a) => a.name === names.name))
    throw new Error(
      `${file}: the edit did not produce the registration of ${names.name} (a bug of the generator)`,
    );
  return out;
}

function registrationYaml(
  names: ServiceNames,
  clientId: string,
  identifierUri: string,
  delegation: string | undefined,
  dash: number,
): string {
  const pad = ' '.repeat(dash);
  const field = ' '.repeat(dash + 2);
  const lines = [
    `${pad}- name: ${names.name}`,
    `${field}displayName: ${scalar(names.displayName)}`,
    `${field}clientId: ${clientId}`,
    `${field}type: confidential`,
    `${field}identifierUris: ${flowList([identifierUri])}`,
    `${field}accessTokenAcceptedVersion: 2`,
    `${field}scopes: ${flowList([names.scope])}`,
    ...(delegation === undefined
      ? []
      : [
          `${field}appRoles:`,
          `${field}  - value: ${scalar(delegation)}`,
          `${field}    allowedMemberTypes: [Application]`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}

/** The BFF's `requiredResourceAccess` entry for the new API: appended, or the key added with it. */
function bffAccessEdit(
  text: string,
  bff: YAMLMap,
  names: ServiceNames,
  delegation: string | undefined,
): { offset: number; text: string } {
  const entry = (dash: number) => {
    const pad = ' '.repeat(dash);
    const field = ' '.repeat(dash + 2);
    return [
      `${pad}- resource: ${names.name}`,
      `${field}delegated: ${flowList([names.scope])}`,
      ...(delegation === undefined ? [] : [`${field}application: ${flowList([delegation])}`]),
      `${field}consented: true`,
    ].join('\n');
  };
  const access = bff.get('requiredResourceAccess', true);
  if (access !== undefined) {
    const seq = blockSeq(access, "the BFF's requiredResourceAccess");
    const last = seq.items[seq.items.length - 1]!;
    return { offset: endOfNode(text, last), text: `${entry(dashColumn(text, seq))}\n` };
  }
  const keys = keyColumn(text, bff);
  const lastPair = bff.items[bff.items.length - 1]!;
  return {
    offset: endOfNode(text, lastPair.value),
    text: `${' '.repeat(keys)}requiredResourceAccess:\n${entry(keys + 2)}\n`,
  };
}

/**
 * The App ID URI in the file's own form: that of another API with the API's name swapped, e.g.
 * `https://contosobrokersb2c.onmicrosoft.com/program-service` → `…/notes-service`; `api://<name>` when no
 * API's URI ends with its name.
 */
export function identifierUriOf(reg: Registrations, name: string): string {
  for (const app of reg.applications) {
    const uri = app.identifierUris[0];
    if (app.type === 'confidential' && uri !== undefined && uri.endsWith(`/${app.name}`))
      return `${uri.slice(0, uri.length - app.name.length)}${name}`;
  }
  return `api://${name}`;
}

/** The application permission the BFF holds beside a delegated one elsewhere in a B2C file (verified delegation). */
function delegationPermissionOf(reg: Registrations, bff: string): string {
  const caller = reg.applications.find((a) => a.name === bff);
  const conveying = caller?.requiredResourceAccess.find(
    (r) => r.delegated.length > 0 && r.application.length > 0,
  );
  return conveying?.application[0] ?? DEFAULT_DELEGATION_PERMISSION;
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i -= 1) if (test(items[i]!)) return i;
  return -1;
}
