/** A project line of nest-cli.json, as the file writes them: one line per project. */
function projectLine(name: string): string {
  return (
    `"${name}": { "type": "application", "root": "apps/${name}", "entryFile": "main", ` +
    `"sourceRoot": "apps/${name}/src", "compilerOptions": { "tsConfigPath": "tsconfig.build.json" } }`
  );
}

interface NestCli {
  projects?: Record<string, { type?: string }>;
}

/**
 * Adds an application project to nest-cli.json after the last application, in the file's one-line-per-project
 * layout (so `nest build <name>` and `nest start <name>` know it); the result is parsed back as JSON.
 */
export function addNestProject(text: string, name: string): string {
  const cli = JSON.parse(text) as NestCli;
  const projects = cli.projects ?? {};
  if (name in projects) throw new Error(`nest-cli.json: a project named ${name} exists already`);
  const lastApp = Object.entries(projects)
    .filter(([, p]) => p.type === 'application')
    .map(([n]) => n)
    .pop();
  if (lastApp === undefined) throw new Error('nest-cli.json: no application project to add a sibling to');
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.trimStart().startsWith(`"${lastApp}": {`));
  if (at < 0 || !lines[at]!.trimEnd().endsWith(','))
    throw new Error(`nest-cli.json: the project ${lastApp} is not on one line followed by another project`);
  const indent = /^\s*/.exec(lines[at]!)![0];
  lines.splice(at + 1, 0, `${indent}${projectLine(name)},`);
  const out = lines.join('\n');
  const parsed = JSON.parse(out) as NestCli;
  if (parsed.projects?.[name]?.type !== 'application')
    throw new Error(`nest-cli.json: the edit did not produce the project ${name} (a bug of the generator)`);
  return out;
}
