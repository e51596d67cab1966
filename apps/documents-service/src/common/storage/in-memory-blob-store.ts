import { Readable } from 'node:stream';

import {
  type BlobDeleteOutcome,
  type BlobDownload,
  type BlobEntry,
  BlobStore,
  type BlobWrite,
} from './blob-store';

interface StoredBlob {
  readonly entry: BlobEntry;
  readonly content: Buffer;
}

/** {@link BlobStore} in a Map: the fake adapter of the unit tests. */
export class InMemoryBlobStore extends BlobStore {
  readonly blobs = new Map<string, StoredBlob>();
  private version = 0;

  async ensureContainer(): Promise<void> {}

  async probe(): Promise<void> {}

  async upload(write: BlobWrite): Promise<void> {
    if (this.blobs.has(write.name)) throw new Error(`blob ${write.name} exists`);
    this.version += 1;
    const entry: BlobEntry = {
      name: write.name,
      contentType: write.contentType,
      size: write.content.length,
      metadata: { ...write.metadata },
      etag: `"v${this.version}"`,
    };
    this.blobs.set(write.name, { entry, content: Buffer.from(write.content) });
  }

  async list(prefix: string): Promise<BlobEntry[]> {
    return [...this.blobs.values()].filter((b) => b.entry.name.startsWith(prefix)).map((b) => b.entry);
  }

  async stat(name: string): Promise<BlobEntry | undefined> {
    return this.blobs.get(name)?.entry;
  }

  async download(name: string): Promise<BlobDownload | undefined> {
    const blob = this.blobs.get(name);
    return blob && { ...blob.entry, content: Readable.from([blob.content]) };
  }

  async delete(name: string, etag: string): Promise<BlobDeleteOutcome> {
    const blob = this.blobs.get(name);
    if (!blob) return 'missing';
    if (blob.entry.etag !== etag) return 'changed';
    this.blobs.delete(name);
    return 'deleted';
  }
}
