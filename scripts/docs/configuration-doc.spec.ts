import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { z } from 'zod';

/**
 * docs/configuration.md against the apps' config schemas: every variable a schema reads has a row in its
 * app's table, every row names a variable the schema reads, and a stated default is the schema's. The
 * schemas are found, not listed: every `apps/<app>/src/**\/*.config.ts` exporting a zod `…EnvSchema`, so a
 * new app or variable fails here until it is documented.
 */
const ROOT = resolve(__dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

interface AppSchema {
  readonly app: string;
  readonly file: string;
  readonly variables: ReadonlyMap<string, z.ZodTypeAny>;
}

function configFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return configFiles(path);
    return name.endsWith('.config.ts') ? [path] : [];
  });
}

/** The object shape under `.superRefine()` / `.transform()` wrappers. */
function shapeOf(schema: z.ZodTypeAny): Record<string, z.ZodTypeAny> | undefined {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodTypeAny>;
  if (schema instanceof z.ZodEffects) return shapeOf(schema.innerType() as z.ZodTypeAny);
  return undefined;
}

/** The `.default()` of a field, wherever it sits among its wrappers (pipes, effects, descriptions). */
function defaultOf(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || !('_def' in schema)) return undefined;
  const def = (schema as { _def: Record<string, unknown> })._def;
  if (def['typeName'] === 'ZodDefault') return (def['defaultValue'] as () => unknown)();
  for (const key of ['innerType', 'schema', 'in', 'out']) {
    const found = defaultOf(def[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function appSchemas(): AppSchema[] {
  const apps = readdirSync(join(ROOT, 'apps')).filter((app) =>
    statSync(join(ROOT, 'apps', app, 'src')).isDirectory(),
  );
  return apps.flatMap((app) =>
    configFiles(join(ROOT, 'apps', app, 'src'))
      .filter((file) => !file.endsWith('.spec.ts'))
      .flatMap((file) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the files are discovered at run time
        const exported = require(file) as Record<string, unknown>;
        return Object.entries(exported)
          .filter(([name, value]) => name.endsWith('EnvSchema') && value instanceof z.ZodType)
          .map(([, value]) => {
            const shape = shapeOf(value as z.ZodTypeAny);
            if (shape === undefined)
              throw new Error(`${relative(ROOT, file)}: an EnvSchema that is no zod object`);
            return { app, file: relative(ROOT, file), variables: new Map(Object.entries(shape)) };
          });
      }),
  );
}

/** The rows of the table under `## <app>` (up to the next heading): first cell's variable name → the row. */
function documentedRows(app: string): Map<string, string> {
  const start = DOC.search(new RegExp(`^## ${app.replace(/[-.]/g, '\\$&')}\\s*$`, 'm'));
  if (start < 0) return new Map();
  const rest = DOC.slice(start).split('\n').slice(1);
  const end = rest.findIndex((line) => line.startsWith('#'));
  const rows = (end < 0 ? rest : rest.slice(0, end)).filter((line) => line.startsWith('| `'));
  return new Map(
    rows.map((row) => {
      const name = /^\| `([^`]+)`/.exec(row)![1]!;
      return [name, row];
    }),
  );
}

const schemas = appSchemas();

describe('docs/configuration.md against the config schemas', () => {
  it('finds the schema of every app that has one (so that the checks below cover them)', () => {
    expect(schemas.map((s) => s.app)).toEqual(
      expect.arrayContaining([
        'bff',
        'program-service',
        'pricing-service',
        'documents-service',
        'web',
        'identity-emulator',
      ]),
    );
  });

  it.each(schemas.map((s) => [s.app, s] as const))(
    'documents every variable of %s, and only those',
    (_app, schema) => {
      const rows = documentedRows(schema.app);
      const missing = [...schema.variables.keys()].filter((name) => !rows.has(name));
      const unknown = [...rows.keys()].filter((name) => !schema.variables.has(name));
      expect({ file: schema.file, missing, unknown }).toEqual({
        file: schema.file,
        missing: [],
        unknown: [],
      });
    },
  );

  it.each(schemas.map((s) => [s.app, s] as const))(
    'states the defaults of %s as its schema has them',
    (_app, schema) => {
      const rows = documentedRows(schema.app);
      const wrong = [...schema.variables.entries()].flatMap(([name, field]) => {
        const found = defaultOf(field);
        if (found === undefined || found === '') return [];
        // Environment defaults are strings or numbers; JSON keeps anything else visible in the message.
        const value =
          typeof found === 'string' || typeof found === 'number' ? String(found) : JSON.stringify(found);
        const defaultCell = rows.get(name)?.split('|')[2]?.trim();
        return defaultCell === `\`${value}\`` ? [] : [`${name}: schema ${value}, doc ${defaultCell}`];
      });
      expect(wrong).toEqual([]);
    },
  );
});
