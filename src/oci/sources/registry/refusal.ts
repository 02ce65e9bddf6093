import * as z from 'zod';
import { ImageError, type ImageErrorCode } from '../../errors.js';
import { printable } from '../../printable.js';
import { parseWwwAuthenticate } from './challenge.js';
import type { HttpResponse } from './http.js';
import { readErrorBody } from './read-body.js';

const errorBodySchema = z.object({
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })).min(1),
});

/** The first `{code, message}` of an OCI error body, when the body is one. */
export function registryErrorOf(body: string): { code: string | undefined; text: string } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return { code: undefined, text: '' };
    const first = parsed.data.errors[0];
    const text = [first?.code, first?.message].filter(Boolean).join(': ');
    return { code: first?.code, text: text ? ` [${printable(text, 160)}]` : '' };
  } catch {
    return { code: undefined, text: '' };
  }
}

export interface RefusalContext {
  /** What the user asked for (the reference they typed), to start the message. */
  readonly what: string;
  readonly registry: string;
  readonly repository: string;
  /** What the request was for: the guidance for 401/403 differs. */
  readonly action: 'pull' | 'push';
  readonly hasCredentials: () => Promise<boolean>;
}

export interface RefusalOptions {
  /** The code for a plain 404 (MANIFEST_UNKNOWN, BLOB_UNKNOWN, …). */
  readonly notFound: ImageErrorCode;
  /** Appended to a 413 message (how large the request was, what to change). */
  readonly tooLargeHint?: string;
}

function insufficientScope(response: HttpResponse): boolean {
  const raw = response.headers['www-authenticate'];
  const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return values
    .flatMap(parseWwwAuthenticate)
    .some((challenge) => challenge.params['error'] === 'insufficient_scope');
}

/**
 * One line for a registry response that is not what we asked for: the registry, the repository
 * and the subject (manifest, blob, upload) named, the registry's own error code quoted, and what
 * the user can do about it. Never a credential.
 */
export async function refusalError(
  response: HttpResponse,
  subject: string,
  context: RefusalContext,
  options: RefusalOptions,
): Promise<ImageError> {
  const body = await readErrorBody(response);
  const { code: registryCode, text: says } = registryErrorOf(body);
  const host = context.registry;
  const place = `${host}/${context.repository}`;
  const details = { registry: host, repository: context.repository, status: response.status };
  const may = context.action === 'push' ? 'push to it' : 'pull it';
  const another = '(another can be given with --username and --password-stdin)';
  switch (response.status) {
    case 401: {
      const credentials = await context.hasCredentials();
      if (credentials && insufficientScope(response)) {
        return new ImageError(
          'DENIED',
          `${context.what}: registry ${host} denied access to ${place} (401 insufficient scope)${says}; the account used may not ${may} ${another}`,
          { details },
        );
      }
      const fix = credentials
        ? 'the credentials given were rejected; check them'
        : 'log in with --username and --password-stdin (or docker login)';
      return new ImageError(
        'UNAUTHORIZED',
        `${context.what}: registry ${host} requires authentication for ${place} (401 Unauthorized)${says}; ${fix}`,
        { details },
      );
    }
    case 403:
      return new ImageError(
        'DENIED',
        `${context.what}: registry ${host} denied access to ${place} (403 Forbidden)${says}; the account used may not ${may} ${another}`,
        { details },
      );
    case 404:
      if (registryCode === 'NAME_UNKNOWN') {
        const fix =
          context.action === 'push'
            ? '; check the name, or create the repository (or its project) first'
            : '';
        return new ImageError(
          'NAME_UNKNOWN',
          `${context.what}: repository ${place} is not known to the registry (404)${says}${fix}`,
          { details },
        );
      }
      return new ImageError(
        options.notFound,
        `${context.what}: ${subject} not found in ${place} (404)${says}`,
        { details },
      );
    case 413:
      return new ImageError(
        'TOO_LARGE',
        `${context.what}: registry ${host} refused ${subject} for ${place} as too large (413 Payload Too Large)${says}${options.tooLargeHint ? `; ${options.tooLargeHint}` : ''}`,
        {
          details,
        },
      );
    case 429:
      return new ImageError(
        'RATE_LIMITED',
        `${context.what}: registry ${host} is rate limiting requests (429 Too Many Requests)${says}; try again later or log in`,
        { details },
      );
    default:
      if (registryCode === 'DENIED') {
        return new ImageError(
          'DENIED',
          `${context.what}: registry ${host} denied ${subject} for ${place} (${response.status})${says}`,
          { details },
        );
      }
      return new ImageError(
        'REGISTRY_ERROR',
        `${context.what}: registry ${host} answered ${response.status} for ${subject}${context.action === 'push' ? ` in ${place}` : ''}${says}`,
        { details },
      );
  }
}
