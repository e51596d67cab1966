import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A file the generator writes: its path from the repository root and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

const PLACEHOLDER = /\{\{([A-Za-z]+)\}\}/g;

/**
 * Renders every `*.tpl` under `templateDir` into `targetDir`: `{{key}}` in the text and `__name__` in the
 * path are replaced; a placeholder without a value is an error (never an empty string in generated code).
 */
export function renderTemplates(
  templateDir: string,
  targetDir: string,
  values: Readonly<Record<string, string>>,
): GeneratedFile[] {
  return filesUnder(templateDir)
    .filter((file) => file.endsWith('.tpl'))
    .map((file) => {
      const path = join(
        targetDir,
        relative(templateDir, file).replace(/__name__/g, values['name'] ?? '__name__'),
      ).replace(/\.tpl$/, '');
      return { path, text: fill(readFileSync(file, 'utf8'), values, file) };
    });
}

/** `text` with every `{{key}}` replaced by `values[key]`. */
export function fill(text: string, values: Readonly<Record<string, string>>, where = 'template'): string {
  return text.replace(PLACEHOLDER, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${where}: no value for {{${key}}}`);
    return value;
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
