import { blobNameOf, documentOf, metadataOf, type StoredDocument } from './document.model';

const DOCUMENT: StoredDocument = {
  id: '6a7d3c1e-0000-4000-8000-000000000001',
  programmeId: '9b1e2f3a-0000-4000-8000-000000000002',
  fileName: 'Prämie ✓.pdf',
  contentType: 'application/pdf',
  size: 42,
  ownerOid: 'a11ce5e0-7a1b-4c2d-8e3f-000000000a11',
  createdAt: new Date('2026-11-29T01:02:03.000Z'),
};

const entry = (metadata: Record<string, string>, name = blobNameOf(DOCUMENT.programmeId, DOCUMENT.id)) => ({
  name,
  contentType: 'application/pdf',
  size: 42,
  metadata,
  etag: '"1"',
});

describe('document metadata', () => {
  it('round-trips a document through ASCII blob metadata', () => {
    const metadata = metadataOf(DOCUMENT);
    expect(Object.values(metadata).every((v) => /^[\x20-\x7e]*$/.test(v))).toBe(true);
    expect(documentOf(entry(metadata))).toEqual(DOCUMENT);
  });

  it('reads metadata keys in any case (storage may return them capitalised)', () => {
    const upper = Object.fromEntries(
      Object.entries(metadataOf(DOCUMENT)).map(([k, v]) => [k.toUpperCase(), v]),
    );
    expect(documentOf(entry(upper))).toEqual(DOCUMENT);
  });

  it('ignores blobs that are not documents or sit under another name', () => {
    expect(documentOf(entry({}))).toBeUndefined();
    expect(documentOf(entry(metadataOf(DOCUMENT), `other/${DOCUMENT.id}`))).toBeUndefined();
    expect(documentOf(entry({ ...metadataOf(DOCUMENT), createdat: 'yesterday' }))).toBeUndefined();
    expect(documentOf(entry({ ...metadataOf(DOCUMENT), filename: '%E0%A4%A' }))).toBeUndefined();
  });
});
