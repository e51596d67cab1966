import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

import type { Principal } from '@chain/auth';
import { Injectable } from '@nestjs/common';

import { Clock } from '../common/clock/clock';
import { BlobStore } from '../common/storage/blob-store';
import { blobNameOf, documentOf, metadataOf, programmePrefix, type StoredDocument } from './document.model';
import { classifyUpload } from './document-type';
import {
  DocumentChangedError,
  DocumentNotFoundError,
  EmptyFileError,
  MissingFileError,
  NotDocumentOwnerError,
  UnsupportedDocumentTypeError,
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
 * may see the programme (the second hop, DESIGN.md "User-level rules"): whoever cannot see a programme
 * cannot see, add or delete its documents, and gets the same 404 either way.
 */
@Injectable()
export class DocumentsService {
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

  /** Stores an upload whose bytes are one of the accepted types; the caller becomes its owner. */
  async upload(
    user: Principal,
    programmeId: string,
    file: UploadedFile | undefined,
  ): Promise<StoredDocument> {
    await this.programmes.assertVisible(user, programmeId);
    if (file === undefined) throw new MissingFileError();
    if (file.buffer.length === 0) throw new EmptyFileError();
    const fileName = sanitizeFileName(file.originalname);
    const type = classifyUpload({ fileName, declaredType: file.mimetype, content: file.buffer });
    if (type === undefined) throw new UnsupportedDocumentTypeError();
    const document: StoredDocument = {
      id: randomUUID(),
      programmeId,
      fileName,
      contentType: type.contentType,
      size: file.buffer.length,
      ownerOid: user.oid,
      createdAt: this.clock.now(),
    };
    await this.store.upload({
      name: blobNameOf(programmeId, document.id),
      content: file.buffer,
      contentType: document.contentType,
      contentDisposition: attachmentDisposition(fileName),
      metadata: metadataOf(document),
    });
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
