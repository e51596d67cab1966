import { createHash } from 'node:crypto';

import type { BlobEntry } from '../common/storage/blob-store';

/** A document of a programme (CONTRACTS.md). Stored as one blob; these fields live in its metadata. */
export interface StoredDocument {
  readonly id: string;
  readonly programmeId: string;
  readonly fileName: string;
  readonly contentType: string;
  /** Bytes. */
  readonly size: number;
  /** `oid` of the user who uploaded it: the only one who may delete it. */
  readonly ownerOid: string;
  readonly createdAt: Date;
  /** SHA-256 of the file name and bytes, kept for an upload made with an `Idempotency-Key` (retry check). */
  readonly fingerprint?: string;
}

/** Blob name of a document: `<programmeId>/<id>`, so a programme's documents share a prefix. */
export function blobNameOf(programmeId: string, id: string): string {
  return `${programmeId}/${id}`;
}

/** The prefix under which a programme's documents are listed. */
export function programmePrefix(programmeId: string): string {
  return `${programmeId}/`;
}

/**
 * Blob metadata keys. Metadata travels as `x-ms-meta-*` headers: keys are case-insensitive identifiers and
 * values ASCII, so the file name is percent-encoded.
 */
const Meta = {
  id: 'documentid',
  programmeId: 'programmeid',
  fileName: 'filename',
  ownerOid: 'owneroid',
  createdAt: 'createdat',
  fingerprint: 'fingerprint',
} as const;

/** The metadata stored with a document's blob (content type and size are blob properties). */
export function metadataOf(document: StoredDocument): Record<string, string> {
  return {
    [Meta.id]: document.id,
    [Meta.programmeId]: document.programmeId,
    [Meta.fileName]: encodeURIComponent(document.fileName),
    [Meta.ownerOid]: document.ownerOid,
    [Meta.createdAt]: document.createdAt.toISOString(),
    ...(document.fingerprint === undefined ? {} : { [Meta.fingerprint]: document.fingerprint }),
  };
}

/** The fingerprint of an upload: SHA-256 over its file name and bytes, base64url (metadata is ASCII). */
export function fingerprintOf(fileName: string, content: Buffer): string {
  return createHash('sha256').update(fileName).update('\u0000').update(content).digest('base64url');
}

/** The document a blob holds; `undefined` for a blob that is not one of ours (or whose metadata is damaged). */
export function documentOf(entry: BlobEntry): StoredDocument | undefined {
  const meta = lowerCaseKeys(entry.metadata);
  const [id, programmeId, fileName, ownerOid, createdAt] = [
    meta[Meta.id],
    meta[Meta.programmeId],
    meta[Meta.fileName],
    meta[Meta.ownerOid],
    meta[Meta.createdAt],
  ];
  if (!id || !programmeId || !fileName || !ownerOid || !createdAt) return undefined;
  if (entry.name !== blobNameOf(programmeId, id)) return undefined;
  const created = new Date(createdAt);
  const name = decodeFileName(fileName);
  if (Number.isNaN(created.getTime()) || name === undefined) return undefined;
  const fingerprint = meta[Meta.fingerprint];
  return {
    id,
    programmeId,
    fileName: name,
    contentType: entry.contentType,
    size: entry.size,
    ownerOid,
    createdAt: created,
    ...(fingerprint ? { fingerprint } : {}),
  };
}

function decodeFileName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

function lowerCaseKeys(metadata: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key.toLowerCase(), value]));
}
