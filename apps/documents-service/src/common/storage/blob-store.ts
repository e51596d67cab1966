import type { Readable } from 'node:stream';

/** A stored blob's properties, as listing and reading return them (never its content). */
export interface BlobEntry {
  /** Name inside the container, e.g. `<programmeId>/<documentId>`. */
  readonly name: string;
  readonly contentType: string;
  /** Content length in bytes. */
  readonly size: number;
  /** User metadata (keys lower-case, values ASCII). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Version tag, for conditional deletes. */
  readonly etag: string;
}

/** A blob opened for reading: its properties and a stream of its content (consume or destroy it). */
export interface BlobDownload extends BlobEntry {
  readonly content: Readable;
}

/** What to store. */
export interface BlobWrite {
  readonly name: string;
  readonly content: Buffer;
  readonly contentType: string;
  /** `Content-Disposition` stored with the blob (served as is by SAS downloads). */
  readonly contentDisposition: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Outcome of a conditional delete. */
export type BlobDeleteOutcome = 'deleted' | 'missing' | 'changed';

/**
 * Port: the one blob container documents-service uses. The Azure adapter speaks to Blob Storage
 * (Azurite locally); unit tests use an in-memory fake.
 */
export abstract class BlobStore {
  /** Creates the container when it is missing (idempotent). */
  abstract ensureContainer(): Promise<void>;
  /** Resolves when the container answers within `signal`'s time; rejects otherwise. */
  abstract probe(signal: AbortSignal): Promise<void>;
  /** Stores a new blob; never overwrites an existing one. */
  abstract upload(write: BlobWrite): Promise<void>;
  /** Every blob whose name starts with `prefix`, with properties and metadata. */
  abstract list(prefix: string): Promise<BlobEntry[]>;
  /** One blob's properties, or `undefined` when it does not exist. */
  abstract stat(name: string): Promise<BlobEntry | undefined>;
  /** One blob opened for streaming, or `undefined` when it does not exist. */
  abstract download(name: string): Promise<BlobDownload | undefined>;
  /** Deletes a blob if it still has version `etag`. */
  abstract delete(name: string, etag: string): Promise<BlobDeleteOutcome>;
}
