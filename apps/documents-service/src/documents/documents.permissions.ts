/** Delegated scopes documents-service exposes (registrations.yaml). */
export const DocumentsScope = { ReadWrite: 'Documents.ReadWrite' } as const;
export type DocumentsScope = (typeof DocumentsScope)[keyof typeof DocumentsScope];
