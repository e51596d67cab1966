import { type INestApplication, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

/** One HTTP route of an app, as its controllers declare it. */
export interface HttpRoute {
  /** Upper-case HTTP method (`GET`, `POST`, …). */
  readonly method: string;
  /** Express-style path with parameters (`/programmes/:id`). */
  readonly path: string;
  readonly controller: Type<unknown>;
  /** The handler function (decorator metadata lives on it). */
  readonly handler: (...args: unknown[]) => unknown;
}

/**
 * Lists every route the app's controllers declare, for route-inventory tests: each one must be
 * `@Public()` or declare what it requires (docs/running.md "Conventions every suite follows").
 */
export function listHttpRoutes(app: INestApplication): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const moduleRef of app.get(ModulesContainer).values()) {
    for (const wrapper of moduleRef.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (controller) routes.push(...routesOf(controller));
    }
  }
  return routes;
}

function routesOf(controller: Type<unknown>): HttpRoute[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
  return Object.getOwnPropertyNames(prototype).flatMap((name) => {
    const handler = prototype[name];
    if (name === 'constructor' || typeof handler !== 'function') return [];
    const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
    if (typeof method !== 'number') return [];
    return base.flatMap((prefix) =>
      paths(Reflect.getMetadata(PATH_METADATA, handler)).map((suffix) => ({
        method: RequestMethod[method] ?? String(method),
        path: join(prefix, suffix),
        controller,
        handler: handler as (...args: unknown[]) => unknown,
      })),
    );
  });
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : '/'];
}

function join(prefix: string, suffix: string): string {
  const joined = `/${prefix}/${suffix}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
