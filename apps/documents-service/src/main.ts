import { runService } from '@chain/platform';

import { AppModule, DOCUMENTS_SERVICE_NAME } from './app.module';
import { DOCUMENTS_SERVICE_PORT, documentsServiceConfig } from './config/documents-service.config';
import { DocumentsScope } from './documents/documents.permissions';

// Managed identity (AZURE_STORAGE_ACCOUNT_URL): give AppModule.forRoot `{ storageCredential: new
// DefaultAzureCredential() }` as its second argument once @azure/identity is a dependency
// (docs/documents-service.md).
runService({
  name: DOCUMENTS_SERVICE_NAME,
  defaultPort: DOCUMENTS_SERVICE_PORT,
  env: documentsServiceConfig,
  module: (env) => AppModule.forRoot(env),
  description: 'Documents of programmes in Azure Blob Storage, reached by on-behalf-of tokens.',
  scopes: { [DocumentsScope.ReadWrite]: 'Upload, list, download and delete documents' },
});
