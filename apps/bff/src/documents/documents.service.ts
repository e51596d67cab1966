import type { Readable } from 'node:stream';

import { type DownstreamApi, DownstreamClient, type Principal } from '@chain/auth';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';

import { BFF_DOWNSTREAMS } from '../common/bff-catalogue';
import { bffConfig } from '../config/bff.config';
import { idempotencyHeaders, programmePath } from '../programmes/programmes.service';
import { ByteLimit } from './byte-limit';
import type { DocumentDto, DocumentListDto } from './document.dto';
import { UploadNotMultipartError, UploadTooLargeError } from './documents.errors';
import type { UploadBody } from './upload-body.decorator';

/** Room for the multipart framing (boundaries, part headers, file name) around the file itself. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** A document's bytes on their way from documents-service to the SPA. */
export interface DocumentDownload {
  readonly stream: Readable;
  readonly contentType: string;
  readonly contentLength?: number;
  /** documents-service's, else `attachment`: a download is never rendered inline by default. */
  readonly contentDisposition: string;
}

/**
 * Documents of a programme, through documents-service on behalf of the user (which checks the programme
 * again at program-service: the second hop). Uploads and downloads are streamed, never buffered.
 */
@Injectable()
export class DocumentsService {
  private readonly maxUploadBytes: number;

  constructor(
    private readonly downstreams: DownstreamClient,
    @Inject(bffConfig.KEY) config: ConfigType<typeof bffConfig>,
  ) {
    this.maxUploadBytes = config.DOCUMENTS_MAX_BYTES;
  }

  async list(user: Principal, programmeId: string): Promise<DocumentListDto> {
    return (await this.documents(user).get<DocumentListDto>(documentsPath(programmeId))).data;
  }

  /**
   * Streams the multipart body to documents-service as it arrives. A declared size over the limit is
   * refused before any token is asked for; an undeclared one is cut off once it crosses the limit. An
   * `Idempotency-Key` goes to documents-service, which stores a retried upload once.
   */
  async upload(
    user: Principal,
    programmeId: string,
    body: UploadBody,
    idempotencyKey?: string,
  ): Promise<DocumentDto> {
    if (!/^multipart\/form-data;\s*boundary=/i.test(body.contentType ?? ''))
      throw new UploadNotMultipartError();
    const limit = this.maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
    if (body.contentLength !== undefined && body.contentLength > limit)
      throw new UploadTooLargeError(this.maxUploadBytes);
    const limited = body.stream.pipe(new ByteLimit(limit));
    body.stream.once('error', (error) => limited.destroy(error));
    const headers: Record<string, string> = {
      'content-type': body.contentType ?? '',
      ...(body.contentLength === undefined ? {} : { 'content-length': String(body.contentLength) }),
      ...idempotencyHeaders(idempotencyKey),
    };
    try {
      return (await this.documents(user).post<DocumentDto>(documentsPath(programmeId), limited, { headers }))
        .data;
    } catch (error) {
      if (limited.exceeded) throw new UploadTooLargeError(this.maxUploadBytes);
      throw error;
    } finally {
      limited.destroy();
    }
  }

  async download(user: Principal, programmeId: string, documentId: string): Promise<DocumentDownload> {
    const res = await this.documents(user).stream('GET', documentPath(programmeId, documentId));
    const length = Number(res.headers['content-length']);
    const disposition = res.headers['content-disposition'];
    return {
      stream: res.data,
      contentType: res.headers['content-type'] ?? 'application/octet-stream',
      ...(Number.isSafeInteger(length) && length >= 0 ? { contentLength: length } : {}),
      contentDisposition: disposition ?? 'attachment',
    };
  }

  async remove(user: Principal, programmeId: string, documentId: string): Promise<void> {
    await this.documents(user).delete(documentPath(programmeId, documentId));
  }

  private documents(user: Principal): DownstreamApi {
    return this.downstreams.forUser(BFF_DOWNSTREAMS.Documents, user);
  }
}

function documentsPath(programmeId: string): string {
  return `${programmePath(programmeId)}/documents`;
}

function documentPath(programmeId: string, documentId: string): string {
  return `${documentsPath(programmeId)}/${encodeURIComponent(documentId)}`;
}
