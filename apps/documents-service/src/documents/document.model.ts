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
} as const;

/** The metadata stored with a document's blob (content type and size are blob properties). */
export function metadataOf(document: StoredDocument): Record<string, string> {
  return {
    [Meta.id]: document.id,
    [Meta.programmeId]: document.programmeId,
    [Meta.fileName]: encodeURIComponent(document.fileName),
    [Meta.ownerOid]: document.ownerOid,
    [Meta.createdAt]: document.createdAt.toISOString(),
  };
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
  return {
    id,
    programmeId,
    fileName: name,
    contentType: entry.contentType,
    size: entry.size,
    ownerOid,
    createdAt: created,
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
