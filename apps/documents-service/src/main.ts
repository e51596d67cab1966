import { authorityFromEnv, bootstrapApp, runMain } from '@chain/platform';

import { AppModule, DOCUMENTS_SERVICE_NAME } from './app.module';
import { DOCUMENTS_SERVICE_PORT, documentsServiceConfig } from './config/documents-service.config';
import { DocumentsScope } from './documents/documents.permissions';

async function main(): Promise<void> {
  const env = documentsServiceConfig();
  const appIdUri =
    env.AUTH_AUDIENCES.find((audience) => audience.includes('://')) ?? 'api://documents-service';
  // Managed identity (AZURE_STORAGE_ACCOUNT_URL): pass `{ storageCredential: new DefaultAzureCredential() }`
  // as the second argument once @azure/identity is a dependency (docs/documents-service.md).
  await bootstrapApp(AppModule.forRoot(env), {
    name: DOCUMENTS_SERVICE_NAME,
    defaultPort: DOCUMENTS_SERVICE_PORT,
    host: env.HOST,
    port: env.PORT,
    openApi: {
      description: 'Documents of programmes in Azure Blob Storage, reached by on-behalf-of tokens.',
      authority: authorityFromEnv(env),
      scopes: { [`${appIdUri}/${DocumentsScope.ReadWrite}`]: 'Upload, list, download and delete documents' },
    },
  });
}

runMain(main);
