import { AzureBlobStore, blobServiceClientFor, type StorageTokenCredential } from './azure-blob-store';
import { StorageUnavailableError } from './storage.errors';

const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

describe('blobServiceClientFor', () => {
  it('reaches the account of a connection string (Azurite, shared key)', () => {
    const client = blobServiceClientFor({
      kind: 'connection-string',
      connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;`,
    });
    expect(client.accountName).toBe('devstoreaccount1');
    expect(client.url).toBe('http://127.0.0.1:1/devstoreaccount1');
  });

  it('uses an Entra token credential for an account URL (managed identity)', async () => {
    const scopes: string[] = [];
    const credential: StorageTokenCredential = {
      getToken: async (requested) => {
        scopes.push(...(Array.isArray(requested) ? requested : [requested]));
        throw new Error('no identity endpoint in this test');
      },
    };
    const client = blobServiceClientFor({
      kind: 'account-url',
      accountUrl: 'https://contosodocs.blob.core.windows.net',
      credential,
    });
    await expect(client.getContainerClient('documents').exists()).rejects.toThrow();
    expect(scopes).toEqual(['https://storage.azure.com/.default']);
  });
});

describe('AzureBlobStore', () => {
  it('answers 503 service_unavailable, without the account URL, when storage does not answer', async () => {
    const store = new AzureBlobStore(
      blobServiceClientFor({
        kind: 'connection-string',
        connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;`,
      }),
      'documents',
    );
    const error: unknown = await store.list('p/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'service_unavailable', retryAfterSeconds: 5 });
    expect((error as StorageUnavailableError).detail).not.toContain('127.0.0.1');
  });
});
