import { type ChainManifest, parseChainManifest } from '@chain/local-tenant';
import { parseDocument } from 'yaml';

import { blockSeq, dashColumn, endOfNode, insertAt, scalar } from './yaml-insert';

/** The chain.yaml entry of a new API. */
export interface NewManifestEntry {
  readonly app: string;
  readonly port: number;
  readonly description: string;
}

/**
 * Appends an API to chain.yaml with `relay: true` (the BFF relays `/api/relay/<name>/…` to it on behalf of
 * the user), leaving the rest of the file byte for byte; the result is validated with the manifest schema.
 */
export function addManifestEntry(text: string, entry: NewManifestEntry): string {
  const doc = parseDocument(text);
  const apis = blockSeq(doc.get('apis', true), 'chain.yaml: apis');
  const last = apis.items[apis.items.length - 1]!;
  const dash = ' '.repeat(dashColumn(text, apis));
  const field = `${dash}  `;
  const lines = [
    `${dash}- app: ${entry.app}`,
    `${field}port: ${entry.port}`,
    `${field}description: ${scalar(entry.description)}`,
    `${field}relay: true`,
  ];
  const out = insertAt(text, endOfNode(text, last), `\n${lines.join('\n')}\n`);
  const manifest = parseChainManifest(out);
  if (!manifest.apis.some((a) => a.app === entry.app && a.relay && a.port === entry.port))
    throw new Error(
      `chain.yaml: the edit did not produce the entry of ${entry.app} (a bug of the generator)`,
    );
  return out;
}

/** The port after the highest one of the manifest: the default of a new API. */
export function nextPort(manifest: ChainManifest): number {
  return Math.max(...manifest.apis.map((a) => a.port)) + 1;
}
