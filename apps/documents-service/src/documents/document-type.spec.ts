import { classifyUpload } from './document-type';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(16)]);
const zipWith = (...names: string[]) =>
  Buffer.concat([
    Buffer.from([0x50, 0x4b, 0x03, 0x04]),
    Buffer.alloc(26),
    ...names.map((n) => Buffer.from(n)),
  ]);
const DOCX = zipWith('[Content_Types].xml', '_rels/.rels', 'word/document.xml');
const XLSX = zipWith('[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml');
const TEXT = Buffer.from('policy schedule\r\nénd ✓\n', 'utf8');
const CSV = Buffer.from('line,region\nproperty,uk\n', 'utf8');
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);

const classify = (fileName: string, declaredType: string, content: Buffer) =>
  classifyUpload({ fileName, declaredType, content })?.contentType;

describe('classifyUpload', () => {
  it.each([
    ['a.pdf', 'application/pdf', PDF, 'application/pdf'],
    ['a.png', 'image/png', PNG, 'image/png'],
    ['a.JPG', 'image/jpeg', JPEG, 'image/jpeg'],
    ['a.jpeg', '', JPEG, 'image/jpeg'],
    ['a.txt', 'text/plain', TEXT, 'text/plain; charset=utf-8'],
    ['a.csv', 'text/csv', CSV, 'text/csv; charset=utf-8'],
    ['a.csv', 'application/vnd.ms-excel', CSV, 'text/csv; charset=utf-8'],
    [
      'a.docx',
      'application/octet-stream',
      DOCX,
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['a.xlsx', '', XLSX, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['README', '', TEXT, 'text/plain; charset=utf-8'],
  ])('accepts %s declared as "%s" and stores the type its bytes show', (name, declared, bytes, expected) => {
    expect(classify(name, declared, bytes)).toBe(expected);
  });

  it('decides by the bytes, not by what the client declares', () => {
    expect(classify('a.png', 'image/png', PDF)).toBeUndefined();
    expect(classify('a.pdf', 'application/pdf', TEXT)).toBeUndefined();
    expect(classify('a.docx', '', XLSX)).toBeUndefined();
    expect(classify('scan', 'image/png', JPEG)).toBeUndefined();
  });

  it('refuses types outside the list, whatever the bytes', () => {
    expect(classify('a.exe', 'application/octet-stream', ELF)).toBeUndefined();
    expect(classify('a.txt', 'text/plain', ELF)).toBeUndefined();
    expect(classify('page.html', 'text/html', Buffer.from('<html></html>'))).toBeUndefined();
    expect(classify('notes.md', '', TEXT)).toBeUndefined();
    expect(classify('a.zip', 'application/zip', zipWith('a.txt'))).toBeUndefined();
    expect(classify('a.docx', '', zipWith('word/document.xml'))).toBeUndefined();
  });

  it('refuses text that is not UTF-8 or carries binary control bytes', () => {
    expect(classify('a.txt', 'text/plain', Buffer.from([0x61, 0xff, 0x62]))).toBeUndefined();
    expect(classify('a.txt', 'text/plain', Buffer.from('a\u0000b'))).toBeUndefined();
  });
});
