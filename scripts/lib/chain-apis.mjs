// The APIs of chain.yaml as the launch scripts need them before anything is built: names, ports and
// port variables. libs/local-tenant's loadChainManifest() validates the whole file once dist/ exists
// (docs/chain-manifest.md); this only reads it, so a build can be chosen from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

/** `program-service` → `PROGRAM_PORT`, `bff` → `BFF_PORT` (as libs/local-tenant's portVariableOf). */
export const portVariableOf = (app) =>
  `${app
    .replace(/-service$/, '')
    .replace(/-/g, '_')
    .toUpperCase()}_PORT`;

/** [{ app, port, portVariable, description }] in the manifest's order. */
export function readChainApis(root) {
  const file = join(root, 'chain.yaml');
  const apis = parse(readFileSync(file, 'utf8'))?.apis;
  if (!Array.isArray(apis) || apis.length === 0)
    throw new Error(`${file}: no apis (the chain manifest, docs/chain-manifest.md)`);
  return apis.map((api, i) => {
    if (typeof api?.app !== 'string' || !Number.isInteger(api?.port))
      throw new Error(`${file}: apis[${i}] needs an app name and a port`);
    return {
      app: api.app,
      port: api.port,
      portVariable: portVariableOf(api.app),
      description: api.description ?? '',
    };
  });
}
