import { isUtf8 } from 'node:buffer';

/** The document types documents-service accepts (CONTRACTS.md), as `as const` names. */
export const DocumentKind = {
  Pdf: 'pdf',
  Png: 'png',
  Jpeg: 'jpeg',
  Text: 'txt',
  Csv: 'csv',
  Docx: 'docx',
  Xlsx: 'xlsx',
} as const;
export type DocumentKind = (typeof DocumentKind)[keyof typeof DocumentKind];

interface KindSpec {
  /** The Content-Type stored and served (never the client's). */
  readonly contentType: string;
  readonly extensions: readonly string[];
  /** Media types clients declare for it (browsers send `application/vnd.ms-excel` for .csv on Windows). */
  readonly declaredTypes: readonly string[];
}

const KINDS: Readonly<Record<DocumentKind, KindSpec>> = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'], declaredTypes: ['application/pdf'] },
  png: { contentType: 'image/png', extensions: ['png'], declaredTypes: ['image/png'] },
  jpeg: {
    contentType: 'image/jpeg',
    extensions: ['jpg', 'jpeg'],
    declaredTypes: ['image/jpeg', 'image/pjpeg'],
  },
  txt: { contentType: 'text/plain; charset=utf-8', extensions: ['txt'], declaredTypes: ['text/plain'] },
  csv: {
    contentType: 'text/csv; charset=utf-8',
    extensions: ['csv'],
    declaredTypes: ['text/csv', 'application/csv', 'application/vnd.ms-excel'],
  },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    declaredTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    declaredTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
};

/** What a client says about a file, and its bytes. */
export interface UploadDescription {
  readonly fileName: string;
  /** The part's Content-Type as sent; untrusted. */
  readonly declaredType: string;
  readonly content: Buffer;
}

/** The accepted type of an upload: its kind and the Content-Type to store. */
export interface DocumentType {
  readonly kind: DocumentKind;
  readonly contentType: string;
}

/** Human-readable list for error messages. */
export const ACCEPTED_TYPES = 'PDF, PNG, JPEG, plain text, CSV, Word (.docx) or Excel (.xlsx)';

/**
 * The type of an upload, decided by its bytes (magic numbers; UTF-8 for text) and required to agree with
 * what the client declared (extension and Content-Type). `undefined` means refuse it (415): the content is
 * none of the accepted types, or it is not what its name or type says (a renamed executable, a `.png` that
 * is a PDF).
 */
export function classifyUpload(upload: UploadDescription): DocumentType | undefined {
  const declared = declaredKinds(upload);
  if (declared === undefined) return undefined;
  const sniffed = sniff(upload.content);
  if (sniffed === undefined) return undefined;
  const kind =
    sniffed === 'text'
      ? textKind(declared)
      : declared.size === 0 || declared.has(sniffed)
        ? sniffed
        : undefined;
  return kind === undefined ? undefined : { kind, contentType: KINDS[kind].contentType };
}

/** Text is txt or csv by declaration; text declared as anything else is refused. */
function textKind(declared: ReadonlySet<DocumentKind>): DocumentKind | undefined {
  if ([...declared].some((k) => k !== DocumentKind.Text && k !== DocumentKind.Csv)) return undefined;
  return declared.has(DocumentKind.Csv) ? DocumentKind.Csv : DocumentKind.Text;
}

/** Kinds named by the extension and the declared type; `undefined` when either names a refused type. */
function declaredKinds(upload: UploadDescription): Set<DocumentKind> | undefined {
  const kinds = new Set<DocumentKind>();
  const extension = /\.([A-Za-z0-9]{1,10})$/.exec(upload.fileName)?.[1]?.toLowerCase();
  if (extension !== undefined) {
    const byExtension = kindWhere((spec) => spec.extensions.includes(extension));
    if (byExtension === undefined) return undefined;
    kinds.add(byExtension);
  }
  const type = upload.declaredType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/octet-stream') {
    const byType = kindWhere((spec) => spec.declaredTypes.includes(type));
    if (byType === undefined) return undefined;
    kinds.add(byType);
  }
  return kinds;
}

function kindWhere(predicate: (spec: KindSpec) => boolean): DocumentKind | undefined {
  return (Object.keys(KINDS) as DocumentKind[]).find((kind) => predicate(KINDS[kind]));
}

const PDF = Buffer.from('%PDF-', 'latin1');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OOXML_TYPES = Buffer.from('[Content_Types].xml', 'latin1');
const WORD = Buffer.from('word/', 'latin1');
const EXCEL = Buffer.from('xl/', 'latin1');

/**
 * The kind the bytes show. OOXML files are ZIPs whose entry names (stored uncompressed in the local
 * headers) include `[Content_Types].xml` and `word/…` or `xl/…`.
 */
function sniff(content: Buffer): Exclude<DocumentKind, 'txt' | 'csv'> | 'text' | undefined {
  if (startsWith(content, PDF)) return DocumentKind.Pdf;
  if (startsWith(content, PNG)) return DocumentKind.Png;
  if (startsWith(content, JPEG)) return DocumentKind.Jpeg;
  if (startsWith(content, ZIP)) return officeKind(content);
  return isUtf8Text(content) ? 'text' : undefined;
}

function officeKind(content: Buffer): 'docx' | 'xlsx' | undefined {
  if (!content.includes(OOXML_TYPES)) return undefined;
  const word = content.includes(WORD);
  const excel = content.includes(EXCEL);
  if (word === excel) return undefined;
  return word ? DocumentKind.Docx : DocumentKind.Xlsx;
}

function startsWith(content: Buffer, magic: Buffer): boolean {
  return content.length >= magic.length && content.subarray(0, magic.length).equals(magic);
}

/** Control bytes allowed in text: tab, line feed, form feed, carriage return. */
const TEXT_CONTROLS: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0c, 0x0d]);

/** Valid UTF-8 without NUL, DEL or other C0 controls (which mark binary content). */
function isUtf8Text(content: Buffer): boolean {
  for (const byte of content) {
    if ((byte < 0x20 && !TEXT_CONTROLS.has(byte)) || byte === 0x7f) return false;
  }
  return isUtf8(content);
}
