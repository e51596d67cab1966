import { z } from 'zod';

/** One bad environment variable: its name, what is wrong, and how to fix it. */
export interface EnvProblem {
  readonly variable: string;
  readonly problem: string;
  readonly fix?: string;
}

/**
 * Thrown by {@link parseEnv} when the environment does not satisfy an app's schema.
 * The message names every bad variable at once, so a misconfigured deployment is fixed in one pass.
 */
export class EnvValidationError extends Error {
  override readonly name = 'EnvValidationError';

  constructor(
    readonly appName: string,
    readonly problems: readonly EnvProblem[],
  ) {
    super(formatProblems(appName, problems));
  }
}

/**
 * Validates `env` (usually `process.env`, passed in by a `*.config.ts` file) against a zod schema.
 *
 * A field's `.describe()` text is used as the fix hint, so schemas say how to set each variable.
 * An empty value (`NAME=`, common in compose files) counts as unset, so defaults apply.
 * Secrets never appear in the message: only variable names and zod's issue text are printed.
 *
 * @throws EnvValidationError naming every bad variable.
 */
export function parseEnv<S extends z.ZodTypeAny>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  appName: string,
): z.output<S> {
  const result = schema.safeParse(withoutEmptyValues(env));
  if (result.success) {
    return result.data as z.output<S>;
  }
  const shape = objectShape(schema);
  const problems = result.error.issues.map((issue) => toProblem(issue, shape));
  throw new EnvValidationError(appName, dedupe(problems));
}

/** zod's text, except where it would echo the rejected value (which might be a secret). */
function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return 'is required';
  if (issue.code === z.ZodIssueCode.invalid_enum_value) return `must be one of ${issue.options.join(', ')}`;
  return issue.message;
}

function withoutEmptyValues(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

function toProblem(issue: z.ZodIssue, shape: z.ZodRawShape | undefined): EnvProblem {
  const variable = typeof issue.path[0] === 'string' ? issue.path[0] : '(environment)';
  const fix = shape?.[variable]?.description;
  const problem = describeIssue(issue);
  return fix === undefined ? { variable, problem } : { variable, problem, fix };
}

function dedupe(problems: readonly EnvProblem[]): EnvProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.variable}\u0000${p.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Finds the object shape under refinements/effects, to read each field's description. */
function objectShape(schema: z.ZodTypeAny): z.ZodRawShape | undefined {
  if (schema instanceof z.ZodObject) return schema.shape as z.ZodRawShape;
  if (schema instanceof z.ZodEffects) return objectShape(schema.innerType() as z.ZodTypeAny);
  return undefined;
}

function formatProblems(appName: string, problems: readonly EnvProblem[]): string {
  const lines = problems.map((p) => `  - ${p.variable}: ${p.problem}${p.fix ? ` (fix: ${p.fix})` : ''}`);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`${appName}: invalid environment, ${count}:`, ...lines].join('\n');
}
