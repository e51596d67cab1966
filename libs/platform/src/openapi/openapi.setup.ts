import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Names of the security schemes in every app's OpenAPI document (route decorators refer to them). */
export const OPENAPI_SECURITY = { bearer: 'bearer', oauth2: 'oauth2' } as const;

/** Where the OpenAPI document and Swagger UI are served (`/docs`, `/docs-json`). */
export const OPENAPI_PATH = 'docs';

export interface OpenApiOptions {
  /** Document title; default: the app name. */
  readonly title?: string;
  readonly description?: string;
  readonly version?: string;
  /**
   * Authority (`https://host/<tenant>`) for the OAuth2 authorization-code scheme; without it only the
   * bearer scheme is declared.
   */
  readonly authority?: string;
  /** Delegated scopes offered in Swagger UI, `{ 'api://x/Scope': 'description' }`. */
  readonly scopes?: Readonly<Record<string, string>>;
}

/** Serves OpenAPI at `/docs` (UI) and `/docs-json` with a bearer scheme and, given an authority, OAuth2. */
export function setupOpenApi(app: INestApplication, name: string, options: OpenApiOptions = {}): void {
  const builder = new DocumentBuilder()
    .setTitle(options.title ?? name)
    .setDescription(options.description ?? `${name} API`)
    .setVersion(options.version ?? '1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, OPENAPI_SECURITY.bearer);
  if (options.authority !== undefined) {
    builder.addOAuth2(oauth2Scheme(options.authority, options.scopes ?? {}), OPENAPI_SECURITY.oauth2);
  }
  const document = SwaggerModule.createDocument(app, builder.build());
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    // Swagger UI is a public client: authorization code with PKCE, no secret (RFC 7636).
    swaggerOptions: { persistAuthorization: false, initOAuth: { usePkceWithAuthorizationCodeGrant: true } },
  });
}

function oauth2Scheme(authority: string, scopes: Readonly<Record<string, string>>) {
  const base = authority.replace(/\/+$/, '');
  return {
    type: 'oauth2' as const,
    flows: {
      authorizationCode: {
        authorizationUrl: `${base}/oauth2/v2.0/authorize`,
        tokenUrl: `${base}/oauth2/v2.0/token`,
        scopes: { ...scopes },
      },
    },
  };
}
