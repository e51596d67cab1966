/** Longest file name kept, in characters (most file systems allow 255). */
const MAX_FILE_NAME_LENGTH = 255;
const FALLBACK_NAME = 'document';

/**
 * The client's file name made safe to store and to send back: the last path segment only (a name is
 * never a path), control characters removed, trimmed and at most 255 characters.
 */
export function sanitizeFileName(original: string): string {
  const lastSegment = original.split(/[/\\]/).pop() ?? '';
  const printable = [...lastSegment].filter((char) => !isControl(char)).join('');
  const trimmed = printable.trim().replace(/^\.+$/, '');
  const limited = [...trimmed].slice(0, MAX_FILE_NAME_LENGTH).join('');
  return limited === '' ? FALLBACK_NAME : limited;
}

/**
 * `Content-Disposition: attachment` with an ASCII `filename` for old clients and the exact UTF-8 name in
 * `filename*` (RFC 6266 §4.3, RFC 8187 §3.2.3): download, never render inline.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = [...fileName].map((char) =>
    /^[\x20-\x7e]$/.test(char) && char !== '"' && char !== '\\' ? char : '_',
  );
  return `attachment; filename="${ascii.join('')}"; filename*=UTF-8''${encodeRfc8187(fileName)}`;
}

/** RFC 8187 `value-chars`: percent-encoded UTF-8 except `attr-char`s. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
}
