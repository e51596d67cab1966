import { attachmentDisposition, sanitizeFileName } from './file-name';

describe('sanitizeFileName', () => {
  it('keeps the last path segment only, without control characters', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\alice\\schedule.pdf')).toBe('schedule.pdf');
    expect(sanitizeFileName('a\r\nb\u0000.txt')).toBe('ab.txt');
    expect(sanitizeFileName('  Prämie 2027 ✓.pdf ')).toBe('Prämie 2027 ✓.pdf');
  });

  it('never yields an empty or dot-only name, and caps the length', () => {
    expect(sanitizeFileName('')).toBe('document');
    expect(sanitizeFileName('..')).toBe('document');
    expect(sanitizeFileName(`${'x'.repeat(300)}.txt`)).toHaveLength(255);
  });
});

describe('attachmentDisposition', () => {
  it('sends an ASCII fallback and the exact UTF-8 name (RFC 6266, RFC 8187)', () => {
    expect(attachmentDisposition('Prämie "2027" (final).pdf')).toBe(
      `attachment; filename="Pr_mie _2027_ (final).pdf"; filename*=UTF-8''Pr%C3%A4mie%20%222027%22%20%28final%29.pdf`,
    );
    expect(attachmentDisposition('plain.txt')).toBe(
      `attachment; filename="plain.txt"; filename*=UTF-8''plain.txt`,
    );
  });
});
