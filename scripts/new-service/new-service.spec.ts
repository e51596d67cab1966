import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  IDENTITY_MODES,
  localAppEnv,
  type LocalEndpoints,
  parseChainManifest,
  parseRegistrations,
  registrationsFileOf,
} from '@chain/local-tenant';

import { NewServiceError, serviceNames } from './names';
import { addNestProject } from './nest-cli-edit';
import { parseArgs, planNewService } from './new-service';
import { fill } from './render';
import { flowList, scalar } from './yaml-insert';

const repo = join(__dirname, '..', '..');

/** A scratch repository with what the generator reads: chain.yaml, nest-cli.json and the registrations files. */
function scratchRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'new-service-'));
  for (const file of ['chain.yaml', 'nest-cli.json']) cpSync(join(repo, file), join(root, file));
  mkdirSync(join(root, 'libs', 'local-tenant'), { recursive: true });
  cpSync(join(repo, 'libs', 'local-tenant'), join(root, 'libs', 'local-tenant'), { recursive: true });
  return root;
}

/** Whether `original`'s lines all appear, in order, in `edited`: the edit only added lines. */
function onlyAdds(original: string, edited: string): boolean {
  const lines = edited.split('\n');
  let at = 0;
  for (const line of original.split('\n')) {
    while (at < lines.length && lines[at] !== line) at += 1;
    if (at === lines.length) return false;
    at += 1;
  }
  return true;
}

describe('serviceNames', () => {
  it('spells the name every way the generated files need', () => {
    expect(serviceNames('notes-service')).toEqual({
      name: 'notes-service',
      camel: 'notesService',
      Pascal: 'NotesService',
      CONST: 'NOTES_SERVICE',
      downstream: 'NOTES',
      route: 'notes',
      portVariable: 'NOTES_PORT',
      displayName: 'Notes service',
      scope: 'Notes.ReadWrite',
    });
    expect(serviceNames('my-notes', 'Notes.Write')).toMatchObject({
      Pascal: 'MyNotes',
      downstream: 'MY_NOTES',
      route: 'my-notes',
      portVariable: 'MY_NOTES_PORT',
      scope: 'Notes.Write',
    });
    expect(serviceNames('claims2-service').scope).toBe('Claims2.ReadWrite');
  });

  it.each([
    'Notes',
    'notes_service',
    'notes--service',
    '-notes',
    '2notes',
    'notes-',
    'bff',
    'web',
    'x'.repeat(41),
  ])('refuses the name %p', (name) => expect(() => serviceNames(name)).toThrow(NewServiceError));

  it.each(['Notes ReadWrite', 'api://notes/Notes.ReadWrite', '.Notes', 'Notes.'])(
    'refuses the scope %p',
    (scope) => expect(() => serviceNames('notes-service', scope)).toThrow(NewServiceError),
  );
});

describe('parseArgs', () => {
  it('reads the name and the options, in both --flag value and --flag=value forms', () => {
    expect(
      parseArgs([
        'notes-service',
        '--port',
        '3100',
        '--scope=Notes.Write',
        '--description',
        'a b',
        '--no-compose',
      ]),
    ).toEqual({
      name: 'notes-service',
      port: 3100,
      scope: 'Notes.Write',
      description: 'a b',
      compose: false,
    });
  });

  it('refuses no name, two names, an unknown option, a port that is not a number', () => {
    for (const argv of [[], ['a', 'b'], ['a', '--colour', 'x'], ['a', '--port', '30a'], ['a', '--port']])
      expect(() => parseArgs(argv)).toThrow(NewServiceError);
  });
});

describe('planNewService', () => {
  let root: string;
  beforeEach(() => (root = scratchRepo()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('plans the service, its project, its manifest entry and its registration in every mode, adding lines only', () => {
    const plan = planNewService(root, { name: 'notes-service' });
    const paths = plan.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'apps/notes-service/src/main.ts',
        'apps/notes-service/src/app.module.ts',
        'apps/notes-service/src/config/notes-service.config.ts',
        'apps/notes-service/src/items/items.controller.ts',
        'apps/notes-service/test/app.e2e-spec.ts',
        'apps/notes-service/test/route-inventory.e2e-spec.ts',
        'apps/notes-service/test/support/notes-service.harness.ts',
        'chain.yaml',
        'nest-cli.json',
        ...IDENTITY_MODES.map((mode) => registrationsFileOf(mode, 'libs/local-tenant')),
      ]),
    );
    for (const file of plan.files) {
      expect([file.path, /\{\{|__name__/.test(file.text + file.path)]).toEqual([file.path, false]);
      if (!file.path.startsWith('apps/'))
        expect([file.path, onlyAdds(readFileSync(join(root, file.path), 'utf8'), file.text)]).toEqual([
          file.path,
          true,
        ]);
    }
    expect(plan.port).toBe(3004);
    const config = plan.files.find((f) => f.path.endsWith('notes-service.config.ts'))!.text;
    expect(config).toContain('export const notesServiceEnvSchema');
    expect(config).toContain('export function parseNotesServiceEnv');
    expect(config).toContain('NOTES_SERVICE_PORT = 3004');
  });

  it('makes the launchers derive the BFF relaying to it on behalf of the user, in every identity mode', () => {
    const plan = planNewService(root, { name: 'notes-service' });
    const text = (path: string) => plan.files.find((f) => f.path === path)!.text;
    const manifest = parseChainManifest(text('chain.yaml'));
    expect(manifest.apis.find((a) => a.app === 'notes-service')).toEqual({
      app: 'notes-service',
      port: 3004,
      description: 'items of each user (reached by OBO, relayed by the BFF)',
      env: {},
      replicas: 1,
      relay: true,
    });
    const endpoints: LocalEndpoints = {
      emulatorPublicUrl: 'https://localhost:8443',
      services: Object.fromEntries(manifest.apis.map((a) => [a.app, `http://127.0.0.1:${a.port}`])),
    };
    const expected = {
      entra: { FLOW: 'on-behalf-of', SCOPES: 'api://notes-service/Notes.ReadWrite' },
      'external-id': {
        FLOW: 'on-behalf-of',
        SCOPES: 'api://contosobrokersext/notes-service/Notes.ReadWrite',
      },
      b2c: {
        FLOW: 'verified-delegation',
        SCOPES: 'https://contosobrokersb2c.onmicrosoft.com/notes-service/.default',
        DELEGATED_SCOPES: 'Notes.ReadWrite',
      },
    };
    for (const mode of IDENTITY_MODES) {
      const path = registrationsFileOf(mode, 'libs/local-tenant');
      const reg = parseRegistrations(text(path), path);
      const bff = localAppEnv('bff', endpoints, reg, manifest);
      expect(
        Object.fromEntries(Object.entries(bff).filter(([k]) => k.startsWith('DOWNSTREAM_APIS__NOTES__'))),
      ).toEqual(
        Object.fromEntries(
          Object.entries({ BASE_URL: 'http://127.0.0.1:3004', RELAY: 'true', ...expected[mode] }).map(
            ([k, v]) => [`DOWNSTREAM_APIS__NOTES__${k}`, v],
          ),
        ),
      );
      const notes = localAppEnv('notes-service', endpoints, reg, manifest);
      const registration = reg.applications.find((a) => a.name === 'notes-service')!;
      expect(notes['AUTH_AUDIENCES']).toBe([registration.clientId, ...registration.identifierUris].join(','));
      expect(notes['PORT']).toBe('3004');
      if (mode === 'b2c')
        expect(JSON.parse(notes['AUTH_DELEGATION_CALLERS']!)).toEqual([
          expect.objectContaining({ clientId: bff['AUTH_CLIENT_ID'], scopes: ['Notes.ReadWrite'] }),
        ]);
    }
    // A fresh client id per file.
    const ids = IDENTITY_MODES.map((mode) => {
      const path = registrationsFileOf(mode, 'libs/local-tenant');
      return parseRegistrations(text(path), path).applications.find((a) => a.name === 'notes-service')!
        .clientId;
    });
    expect(new Set(ids).size).toBe(3);
  });

  it('takes the scope, port and description asked for', () => {
    const plan = planNewService(root, {
      name: 'claims',
      scope: 'Claims.Write',
      port: 3100,
      description: 'claims: files',
    });
    const manifest = parseChainManifest(plan.files.find((f) => f.path === 'chain.yaml')!.text);
    expect(manifest.apis.at(-1)).toMatchObject({ app: 'claims', port: 3100, description: 'claims: files' });
    expect(plan.files.find((f) => f.path.endsWith('items.controller.ts'))!.text).toContain(
      "ITEMS_SCOPE = 'Claims.Write'",
    );
  });

  it.each([
    [{ name: 'program-service' }, /program-service is in chain.yaml already/],
    [{ name: 'program' }, /downstream name PROGRAM is program-service's already/],
    [{ name: 'notes-service', port: 3001 }, /port 3001 is program-service's/],
    [{ name: 'notes-service', port: 8443 }, /port 8443 is the identity emulator/],
    [{ name: 'notes-service', port: 80 }, /not a port from 1024/],
    [{ name: 'notes-service', description: 'two\nlines' }, /one line/],
    [{ name: 'Notes' }, /not a kebab-case name/],
    [{ name: 'platform' }, /libs\/platform exists already/],
  ])('refuses %p', (options, message) => {
    if (options.name === 'platform') mkdirSync(join(root, 'libs', 'platform'));
    expect(() => planNewService(root, options)).toThrow(message);
  });

  it('refuses an app folder or a registration that exists already', () => {
    mkdirSync(join(root, 'apps', 'notes-service'), { recursive: true });
    expect(() => planNewService(root, { name: 'notes-service' })).toThrow(
      /apps\/notes-service exists already/,
    );
    rmSync(join(root, 'apps'), { recursive: true });
    const b2c = registrationsFileOf('b2c', join(root, 'libs', 'local-tenant'));
    const leftover =
      '  - name: notes-service\n    displayName: Notes\n    clientId: 6a0c8f4e-0000-4000-8000-000000000001\n    type: confidential\n\nusers:';
    writeFileSync(b2c, readFileSync(b2c, 'utf8').replace(/^users:/m, leftover));
    expect(() => planNewService(root, { name: 'notes-service' })).toThrow(
      /has an application named notes-service already/,
    );
  });
});

describe('the file edits', () => {
  it('adds a nest-cli project on its own line after the last application', () => {
    const original = readFileSync(join(repo, 'nest-cli.json'), 'utf8');
    const edited = addNestProject(original, 'notes-service');
    expect(edited.split('\n').length).toBe(original.split('\n').length + 1);
    expect(onlyAdds(original, edited)).toBe(true);
    expect(JSON.parse(edited).projects['notes-service']).toEqual({
      type: 'application',
      root: 'apps/notes-service',
      entryFile: 'main',
      sourceRoot: 'apps/notes-service/src',
      compilerOptions: { tsConfigPath: 'tsconfig.build.json' },
    });
    expect(() => addNestProject(edited, 'notes-service')).toThrow(/exists already/);
  });

  it('writes plain YAML scalars where YAML reads them back unchanged, quoted ones elsewhere', () => {
    expect(flowList(['api://notes-service', 'Notes.ReadWrite'])).toBe(
      '[api://notes-service, Notes.ReadWrite]',
    );
    expect(scalar('items of each user (reached by OBO, relayed by the BFF)')).toBe(
      'items of each user (reached by OBO, relayed by the BFF)',
    );
    for (const tricky of ['a: b', 'yes', '123', 'x #y', '[x]', '*x', 'a, b'])
      expect(scalar(tricky, 'flow')).toBe(JSON.stringify(tricky));
  });

  it('fills templates, refusing a placeholder without a value', () => {
    expect(fill('{{a}}-{{a}}', { a: 'x' })).toBe('x-x');
    expect(() => fill('{{b}}', { a: 'x' }, 't.tpl')).toThrow('t.tpl: no value for {{b}}');
  });
});
