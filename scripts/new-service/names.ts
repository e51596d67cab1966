import { downstreamName, pascalCaseOf, portVariableOf } from '@chain/local-tenant';

/** An app name as chain.yaml takes it: kebab-case, starting with a letter. */
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A scope name as Entra takes it (no spaces, no resource): `Notes.ReadWrite`. */
const SCOPE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
/** Longest app name: it becomes a container, a Kubernetes object and an image target. */
const MAX_NAME_LENGTH = 40;

/** Names a part of the chain already uses, which a new API may not take. */
export const RESERVED_NAMES = ['identity-emulator', 'web', 'bff', 'azurite', 'redis', 'postgres', 'cli'];

/** Every spelling of one service's name that the generated files use. */
export interface ServiceNames {
  /** `notes-service`: folder, process, registration, chain.yaml `app`. */
  readonly name: string;
  /** `notesService`: `notesServiceEnvSchema`, `notesServiceConfig`. */
  readonly camel: string;
  /** `NotesService`: `parseNotesServiceEnv`, `NotesServiceEnv`. */
  readonly Pascal: string;
  /** `NOTES_SERVICE`: `NOTES_SERVICE_PORT`, `NOTES_SERVICE_NAME`. */
  readonly CONST: string;
  /** `NOTES`: the BFF's `DOWNSTREAM_APIS__NOTES__*`. */
  readonly downstream: string;
  /** `notes`: the relay route `/api/relay/notes/…` (the downstream name in lower case, `_` as `-`). */
  readonly route: string;
  /** `NOTES_PORT`: what overrides the port under `npm start`. */
  readonly portVariable: string;
  /** `Notes service`: the registration's display name. */
  readonly displayName: string;
  /** `Notes.ReadWrite` unless given: the delegated scope the service requires. */
  readonly scope: string;
}

/** A name or option the generator refuses; the message says why and what would do. */
export class NewServiceError extends Error {
  override readonly name = 'NewServiceError';
}

/** Checks a service name's shape (not yet whether it is free: see `checkFree`). */
export function checkNameShape(name: string): void {
  if (!KEBAB.test(name))
    throw new NewServiceError(
      `"${name}" is not a kebab-case name: use lower-case letters, digits and single dashes, starting with a letter (e.g. notes-service)`,
    );
  if (name.length > MAX_NAME_LENGTH)
    throw new NewServiceError(`"${name}" is longer than ${MAX_NAME_LENGTH} characters`);
  if (RESERVED_NAMES.includes(name))
    throw new NewServiceError(`"${name}" is a part of the chain already (${RESERVED_NAMES.join(', ')})`);
  if (downstreamName(name) === '')
    throw new NewServiceError(`"${name}" leaves no downstream name once "-service" is dropped`);
}

/** Checks a scope name (`Notes.ReadWrite`). */
export function checkScope(scope: string): void {
  if (!SCOPE.test(scope))
    throw new NewServiceError(
      `scope "${scope}" is not a scope name: letters, digits, "_" and dots, no spaces and no resource (e.g. Notes.ReadWrite)`,
    );
}

/** Every spelling of `name`; `scope` defaults to `<Short>.ReadWrite` (notes-service → Notes.ReadWrite). */
export function serviceNames(name: string, scope?: string): ServiceNames {
  checkNameShape(name);
  const words = name.split('-');
  // As the compose suite locates the config's exports (apiConfigLocation): one spelling for both.
  const Pascal = pascalCaseOf(name);
  const downstream = downstreamName(name);
  const short = downstream.toLowerCase().split('_').map(capitalise).join('');
  const chosenScope = scope ?? `${short}.ReadWrite`;
  checkScope(chosenScope);
  return {
    name,
    camel: Pascal.charAt(0).toLowerCase() + Pascal.slice(1),
    Pascal,
    CONST: words.join('_').toUpperCase(),
    downstream,
    route: downstream.toLowerCase().replace(/_/g, '-'),
    portVariable: portVariableOf(name),
    displayName: [capitalise(words[0] ?? ''), ...words.slice(1)].join(' '),
    scope: chosenScope,
  };
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
