import { localAppEnv } from './app-env';
import {
  apiConfigLocation,
  ChainManifestError,
  downstreamName,
  loadChainManifest,
  manifestEnv,
  parseChainManifest,
  portVariableOf,
  startStages,
  usesValue,
} from './chain-manifest';
import { loadRegistrations } from './load-registrations';
import type { Registrations } from './registrations.schema';

function problemsOf(text: string): readonly string[] {
  try {
    parseChainManifest(text, 'chain.yaml');
  } catch (error) {
    if (error instanceof ChainManifestError) return error.problems;
    throw error;
  }
  return [];
}

describe('chain.yaml: the one list of the chain’s APIs', () => {
  const manifest = loadChainManifest();
  const registrations = loadRegistrations();

  it('declares the seed’s four APIs, on the documented ports', () => {
    expect(manifest.apis.map((a) => [a.app, a.port])).toEqual([
      ['program-service', 3001],
      ['pricing-service', 3002],
      ['documents-service', 3003],
      ['bff', 3000],
    ]);
  });

  it('names each API’s downstream name and port variable as the BFF and npm start read them', () => {
    expect(['program-service', 'documents-service', 'bff', 'my-notes-api'].map(downstreamName)).toEqual([
      'PROGRAM',
      'DOCUMENTS',
      'BFF',
      'MY_NOTES_API',
    ]);
    expect(portVariableOf('pricing-service')).toBe('PRICING_PORT');
  });

  it('locates an API’s config by the convention the compose suite and the generator share', () => {
    expect(apiConfigLocation('notes-service')).toEqual({
      file: 'apps/notes-service/src/config/notes-service.config.ts',
      schema: 'notesServiceEnvSchema',
      parser: 'parseNotesServiceEnv',
    });
    expect(apiConfigLocation('bff')).toMatchObject({ schema: 'bffEnvSchema', parser: 'parseBffEnv' });
  });

  it('starts callees before callers, from the registrations’ requiredResourceAccess', () => {
    expect(startStages(manifest, registrations)).toEqual([
      ['program-service', 'pricing-service'],
      ['documents-service'],
      ['bff'],
    ]);
  });

  it('refuses a cycle of calls, naming the APIs in it', () => {
    const cyclic: Registrations = {
      ...registrations,
      applications: registrations.applications.map((a) =>
        a.name === 'program-service'
          ? {
              ...a,
              requiredResourceAccess: [
                {
                  resource: 'documents-service',
                  delegated: ['Documents.ReadWrite'],
                  application: [],
                  consented: true,
                },
              ],
            }
          : a,
      ),
    };
    expect(() => startStages(manifest, cyclic)).toThrow(
      'the APIs program-service, documents-service, bff call each other in a cycle',
    );
  });

  it('puts derived values into an API’s own env and leaves out a variable whose value this run lacks', () => {
    const program = manifest.apis.find((a) => a.app === 'program-service');
    if (program === undefined) throw new Error('no program-service');
    expect(manifestEnv(program, { registrations: '/r.yaml' })).toEqual({
      PROGRAM_SEED: 'demo',
      PROGRAM_SEED_REGISTRATIONS: '/r.yaml',
    });
    expect(manifestEnv(program, { registrations: '/r.yaml', databaseUrl: 'postgres://db' })).toMatchObject({
      DATABASE_URL: 'postgres://db',
    });
    expect(usesValue(program, 'databaseUrl')).toBe(true);
    expect(usesValue(program, 'blobConnectionString')).toBe(false);
  });

  it('configures an API the seed does not know from the manifest and the registrations alone', () => {
    const withNotes = parseChainManifest(
      `apis:
  - { app: program-service, port: 3001, description: p }
  - { app: notes-service, port: 3010, description: notes, relay: true, env: { NOTES_LIMIT: '5' } }
  - { app: bff, port: 3000, description: b }
`,
    );
    const notesReg = {
      ...registrations.applications.find((a) => a.name === 'pricing-service')!,
      name: 'notes-service',
      clientId: '9a8b7c6d-1111-4222-8333-444455556666',
      identifierUris: ['api://notes-service'],
      scopes: ['Notes.ReadWrite'],
      appRoles: [],
    };
    const reg: Registrations = {
      ...registrations,
      applications: [
        ...registrations.applications
          .filter((a) => ['web', 'bff', 'program-service'].includes(a.name))
          .map((a) =>
            a.name === 'bff'
              ? {
                  ...a,
                  requiredResourceAccess: [
                    {
                      resource: 'program-service',
                      delegated: ['Program.ReadWrite'],
                      application: [],
                      consented: true,
                    },
                    {
                      resource: 'notes-service',
                      delegated: ['Notes.ReadWrite'],
                      application: [],
                      consented: true,
                    },
                  ],
                }
              : a,
          ),
        notesReg,
      ],
    };
    const endpoints = {
      emulatorPublicUrl: 'https://localhost:8443',
      services: {
        'program-service': 'http://127.0.0.1:3001',
        'notes-service': 'http://127.0.0.1:3010',
        bff: 'http://127.0.0.1:3000',
      },
    };
    expect(localAppEnv('notes-service', endpoints, reg, withNotes)).toMatchObject({
      PORT: '3010',
      AUTH_AUDIENCES: `${notesReg.clientId},api://notes-service`,
      NOTES_LIMIT: '5',
    });
    expect(localAppEnv('bff', endpoints, reg, withNotes)).toMatchObject({
      DOWNSTREAM_APIS__NOTES__BASE_URL: 'http://127.0.0.1:3010',
      DOWNSTREAM_APIS__NOTES__FLOW: 'on-behalf-of',
      DOWNSTREAM_APIS__NOTES__SCOPES: 'api://notes-service/Notes.ReadWrite',
      DOWNSTREAM_APIS__NOTES__RELAY: 'true',
    });
    expect(startStages(withNotes, reg)).toEqual([['program-service', 'notes-service'], ['bff']]);
    expect(() => localAppEnv('pricing-service', endpoints, reg, withNotes)).toThrow(
      'chain manifest: no API pricing-service (declared: program-service, notes-service, bff); add it to chain.yaml',
    );
  });

  it('names every bad entry of a manifest', () => {
    expect(
      problemsOf(`apis:
  - { app: Notes, port: 3001, description: x }
  - { app: a-service, port: 3001, description: x, env: { A: '\${nope}' } }
  - { app: a, port: 70000, description: x, colour: red }
`),
    ).toEqual([
      'apis.0.app: must be kebab-case (lower-case letters, digits and dashes)',
      'apis.2.port: Number must be less than or equal to 65535',
      "apis.2: Unrecognized key(s) in object: 'colour'",
      "apis.1: port 3001 is already apis[0]'s",
      "apis.2: downstream name A is already apis[1]'s",
      'apis.1.env.A: ${nope} is not a derived value (one of ${registrations}, ${databaseUrl}, ${redisUrl}, ${blobConnectionString}, ${applicationCallers}, ${spaOrigins}, ${tokenCacheKey})',
    ]);
    expect(
      problemsOf(`apis:
  - { app: a-service, port: 3001, description: x, env: { A: '\${nope}' } }
  - { app: a, port: 3001, description: x }
`),
    ).toEqual([
      "apis.1: port 3001 is already apis[0]'s",
      "apis.1: downstream name A is already apis[0]'s",
      'apis.0.env.A: ${nope} is not a derived value (one of ${registrations}, ${databaseUrl}, ${redisUrl}, ${blobConnectionString}, ${applicationCallers}, ${spaOrigins}, ${tokenCacheKey})',
    ]);
    expect(problemsOf('apis: []')).toEqual(['apis: declare at least one API']);
    expect(problemsOf('apis: [')[0]).toMatch(/^not valid YAML/);
  });
});
