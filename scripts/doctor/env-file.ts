import { readFileSync } from 'node:fs';

/**
 * Reads an env file as Docker Compose and dotenv write them: `KEY=value` lines, `#` comments, an optional
 * `export `, values optionally in single or double quotes (double quotes expand `\n`).
 *
 * @throws Error naming the file and line of a line that is not `KEY=value`.
 */
export function readEnvFile(path: string): Record<string, string> {
  return parseEnv(readFileSync(path, 'utf8'), path);
}

/** {@link readEnvFile} on text; `source` names it in errors. */
export function parseEnv(text: string, source: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) throw new Error(`${source}:${index + 1}: not a KEY=value line`);
    env[match[1] as string] = unquote(match[2] as string);
  });
  return env;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
    return value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value.replace(/\s+#.*$/, '');
}

/** Writes `env` as an env file's text (values quoted when they need it). */
export function formatEnv(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${/[\s#"'\n]/.test(value) ? JSON.stringify(value) : value}`)
    .join('\n')
    .concat('\n');
}
