import { Injectable, type PipeTransform } from '@nestjs/common';

import { InvalidResourceIdError } from './bff.errors';

/** Ids of programmes and documents: URL-safe, no dots or slashes, so a path segment never changes meaning. */
const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Validates an id before it becomes a path segment of a downstream URL (`/programmes/<id>`), so that
 * `..`, `%2F` or a query can never steer the call to another downstream route.
 */
@Injectable()
export class ResourceIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!RESOURCE_ID.test(value)) throw new InvalidResourceIdError();
    return value;
  }
}
