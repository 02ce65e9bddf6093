import { ImageError } from '../../errors.js';
import type { HttpResponse } from './http.js';

/** Reads a response body whole, refusing more than `max` bytes (manifests, tokens, error bodies). */
export async function readCapped(
  response: HttpResponse,
  max: number,
  what: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    length += buffer.length;
    if (length > max) {
      response.body.destroy();
      throw new ImageError('SIZE_LIMIT', `${what}: response larger than ${max} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, length);
}

/** A response body that is only used for its error message: read a little, never fail. */
export async function readErrorBody(response: HttpResponse): Promise<string> {
  try {
    return (await readCapped(response, 64 * 1024, 'error body')).toString('utf8');
  } catch {
    return '';
  }
}
