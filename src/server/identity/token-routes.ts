import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import * as z from 'zod';
import { parseAuthorization } from './credentials.js';
import { IdentityError } from './errors.js';
import { sendIdentityError } from './http-errors.js';
import type { IdentityService, TokenResponse } from './identity-service.js';
import { parseScopes } from './scopes.js';

const FORM_LIMIT = 16 * 1024;
const text = z.string().max(4096);
const oneOrMany = z.union([text, z.array(text).max(32)]).optional();

const getQuery = z.object({
  service: text.optional(),
  scope: oneOrMany,
  account: text.optional(),
  offline_token: text.optional(),
  client_id: text.optional(),
});
const postForm = z.object({
  grant_type: z.enum(['password', 'refresh_token'], {
    error: 'grant_type must be "password" or "refresh_token"',
  }),
  service: text.optional(),
  scope: text.optional(),
  client_id: text.optional(),
  access_type: text.optional(),
  username: text.optional(),
  password: text.optional(),
  refresh_token: text.optional(),
});

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new IdentityError(
      'INVALID_REQUEST',
      `invalid ${where} "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

async function send(reply: FastifyReply, response: TokenResponse): Promise<void> {
  // RFC 6749 §5.1: token responses are never cached.
  await reply
    .code(200)
    .headers({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    })
    .send(JSON.stringify(response));
}

/**
 * The token endpoint of the distribution token auth spec: `GET /token?service=&scope=…` with
 * Basic credentials (or none: an anonymous token), and the OAuth2 form `POST /token` with
 * `grant_type=password` or `grant_type=refresh_token`.
 */
export function registerTokenRoutes(
  app: FastifyInstance,
  identity: IdentityService,
  logger: Logger,
): void {
  const realm = identity.tokens.settings.service;
  void app.register((instance, _options, done) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_request, body, parsed) => {
        parsed(
          null,
          Object.fromEntries(
            new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')),
          ),
        );
      },
    );
    instance.setErrorHandler((error, _request, reply) => {
      sendIdentityError(reply, error, logger, realm);
    });
    instance.get('/token', async (request: FastifyRequest, reply) => {
      const query = parse(getQuery, request.query, 'query parameter');
      const credentials = parseAuthorization(request.headers.authorization);
      if (
        query.account !== undefined &&
        credentials.kind === 'basic' &&
        query.account !== credentials.username
      ) {
        throw new IdentityError(
          'INVALID_REQUEST',
          'the account parameter does not match the user name of the credentials',
        );
      }
      const response = await identity.issueToken({
        credentials,
        scopes: parseScopes(list(query.scope)),
        service: query.service,
        offline: query.offline_token === 'true',
        source: request.ip,
      });
      await send(reply, response);
    });
    instance.post('/token', async (request: FastifyRequest, reply) => {
      if (
        request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !==
        'application/x-www-form-urlencoded'
      ) {
        throw new IdentityError(
          'INVALID_REQUEST',
          'POST /token takes an application/x-www-form-urlencoded form (OAuth2)',
        );
      }
      const form = parse(postForm, request.body, 'form field');
      const scopes = parseScopes(list(form.scope));
      if (form.grant_type === 'refresh_token') {
        if (form.refresh_token === undefined)
          throw new IdentityError(
            'INVALID_REQUEST',
            'grant_type=refresh_token needs a refresh_token field',
          );
        await send(
          reply,
          await identity.refresh(form.refresh_token, scopes, form.service, request.ip),
        );
        return;
      }
      if (form.username === undefined || form.password === undefined)
        throw new IdentityError(
          'INVALID_REQUEST',
          'grant_type=password needs username and password fields',
        );
      const response = await identity.issueToken({
        credentials: { kind: 'basic', username: form.username, password: form.password },
        scopes,
        service: form.service,
        offline: form.access_type === 'offline',
        source: request.ip,
      });
      await send(reply, response);
    });
    done();
  });
}
