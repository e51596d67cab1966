import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

import type { Principal } from '@chain/auth';
import { Injectable } from '@nestjs/common';

import { Clock } from '../common/clock/clock';
import { BlobStore } from '../common/storage/blob-store';
import {
  blobNameOf,
  documentOf,
  fingerprintOf,
  metadataOf,
  programmePrefix,
  type StoredDocument,
} from './document.model';
import { classifyUpload } from './document-type';
import {
  DocumentChangedError,
  DocumentNotFoundError,
  EmptyFileError,
  MissingFileError,
  NotDocumentOwnerError,
  UnsupportedDocumentTypeError,
  uploadInProgress,
  uploadKeyReused,
} from './documents.errors';
import { attachmentDisposition, sanitizeFileName } from './file-name';
import { ProgramServiceClient } from './program-service.client';

/** An uploaded file as the multipart parser hands it over (the fields of Express.Multer.File used here). */
export interface UploadedFile {
  readonly originalname: string;
  readonly mimetype: string;
  readonly buffer: Buffer;
}

/** A document opened for download. */
export interface DocumentDownload {
  readonly document: StoredDocument;
  readonly content: Readable;
  /** `Content-Disposition` to send. */
  readonly disposition: string;
}

/**
 * Documents of programmes in Blob Storage. Every operation first asks program-service whether the user
 * may see the programme (the second hop, docs/documents-service.md "The second hop"): whoever cannot see a programme
 * cannot see, add or delete its documents, and gets the same 404 either way.
 */
@Injectable()
export class DocumentsService {
  /** Blob names of keyed uploads being processed in this process, with their fingerprint. */
  private readonly inFlight = new Map<string, string>();

  constructor(
    private readonly programmes: ProgramServiceClient,
    private readonly store: BlobStore,
    private readonly clock: Clock,
  ) {}

  /** The programme's documents, oldest first. */
  async list(user: Principal, programmeId: string): Promise<StoredDocument[]> {
    await this.programmes.assertVisible(user, programmeId);
    const entries = await this.store.list(programmePrefix(programmeId));
    return entries
      .map(documentOf)
      .filter((d): d is StoredDocument => d !== undefined && d.programmeId === programmeId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  /**
   * Stores an upload whose bytes are one of the accepted types; the caller becomes its owner. With an
   * `Idempotency-Key` (IETF httpapi idempotency-key draft) the document's id is derived from the caller,
   * the programme and the key: a retry of the same file is answered with the document the first attempt
   * stored (also when that attempt outlived its caller's timeout), a concurrent one gets 409, the same key
   * with another file 422.
   */
  async upload(
    user: Principal,
    programmeId: string,
    file: UploadedFile | undefined,
    idempotencyKey?: string,
  ): Promise<StoredDocument> {
    if (idempotencyKey === undefined || file === undefined) {
      await this.programmes.assertVisible(user, programmeId);
      return this.write(user, programmeId, file);
    }
    const keyed = {
      id: idempotentDocumentId(user, programmeId, idempotencyKey),
      fingerprint: fingerprintOf(file.originalname, file.buffer),
    };
    const name = blobNameOf(programmeId, keyed.id);
    const running = this.inFlight.get(name);
    if (running !== undefined) throw running === keyed.fingerprint ? uploadInProgress() : uploadKeyReused();
    this.inFlight.set(name, keyed.fingerprint);
    try {
      await this.programmes.assertVisible(user, programmeId);
      return (
        (await this.keyedEarlier(user, name, keyed.fingerprint)) ??
        (await this.write(user, programmeId, file, keyed))
      );
    } finally {
      this.inFlight.delete(name);
    }
  }

  /** Checks and stores a new document (visibility already checked). */
  private async write(
    user: Principal,
    programmeId: string,
    file: UploadedFile | undefined,
    keyed?: { readonly id: string; readonly fingerprint: string },
  ): Promise<StoredDocument> {
    if (file === undefined) throw new MissingFileError();
    if (file.buffer.length === 0) throw new EmptyFileError();
    const fileName = sanitizeFileName(file.originalname);
    const type = classifyUpload({ fileName, declaredType: file.mimetype, content: file.buffer });
    if (type === undefined) throw new UnsupportedDocumentTypeError();
    const document: StoredDocument = {
      id: keyed?.id ?? randomUUID(),
      programmeId,
      fileName,
      contentType: type.contentType,
      size: file.buffer.length,
      ownerOid: user.oid,
      createdAt: this.clock.now(),
      ...(keyed === undefined ? {} : { fingerprint: keyed.fingerprint }),
    };
    const name = blobNameOf(programmeId, document.id);
    try {
      await this.store.upload({
        name,
        content: file.buffer,
        contentType: document.contentType,
        contentDisposition: attachmentDisposition(fileName),
        metadata: metadataOf(document),
      });
    } catch (error) {
      // Refused because another replica stored this key's blob meanwhile: that document is the answer.
      const raced = keyed && (await this.keyedEarlier(user, name, keyed.fingerprint).catch(() => undefined));
      if (raced === undefined) throw error;
      return raced;
    }
    return document;
  }

  /** The document a keyed upload stored before, if any; 422 when it holds another file or owner. */
  private async keyedEarlier(
    user: Principal,
    name: string,
    fingerprint: string,
  ): Promise<StoredDocument | undefined> {
    const blob = await this.store.stat(name);
    if (blob === undefined) return undefined;
    const document = documentOf(blob);
    if (document?.ownerOid !== user.oid || document.fingerprint !== fingerprint) throw uploadKeyReused();
    return document;
  }

  /** Opens a document for streaming. */
  async open(user: Principal, programmeId: string, id: string): Promise<DocumentDownload> {
    await this.programmes.assertVisible(user, programmeId);
    const blob = await this.store.download(blobNameOf(programmeId, id));
    const document = blob && documentOf(blob);
    if (blob === undefined || document === undefined) {
      blob?.content.destroy();
      throw new DocumentNotFoundError();
    }
    return { document, content: blob.content, disposition: attachmentDisposition(document.fileName) };
  }

  /** Deletes a document; only its owner may. */
  async remove(user: Principal, programmeId: string, id: string): Promise<void> {
    await this.programmes.assertVisible(user, programmeId);
    const name = blobNameOf(programmeId, id);
    const blob = await this.store.stat(name);
    const document = blob && documentOf(blob);
    if (blob === undefined || document === undefined) throw new DocumentNotFoundError();
    if (document.ownerOid !== user.oid) throw new NotDocumentOwnerError();
    // Conditional on the version checked above, so a replaced blob is never deleted unchecked.
    const outcome = await this.store.delete(name, blob.etag);
    if (outcome === 'missing') throw new DocumentNotFoundError();
    if (outcome === 'changed') throw new DocumentChangedError();
  }
}

/**
 * A UUID (RFC 9562 version 8) from SHA-256 of the caller, the programme and the key: the same upload
 * retried names the same blob; different users or programmes never share one.
 */
export function idempotentDocumentId(
  user: Pick<Principal, 'tid' | 'oid'>,
  programmeId: string,
  key: string,
): string {
  const hash = createHash('sha256')
    .update(['document', user.tid, user.oid, programmeId, key].join('\u0000'))
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
