import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly range: string | undefined;
  readonly contentRange: string | undefined;
  readonly contentLength: string | undefined;
}

export interface ForwardOptions {
  /** Destroy the connection after this many body bytes (a connection reset mid-download). */
  readonly cutAfter?: number;
  /** Where to send it instead of the proxy's target (`host:port`). */
  readonly target?: string;
  /** Replaces the Authorization header sent upstream (undefined: keep the client's). */
  readonly authorization?: string;
  /** Forward this many request body bytes, then break both connections (an upload cut midway). */
  readonly cutRequestAfter?: number;
  /** Rewrites the upstream answer's headers before they go to the client (a lying registry). */
  readonly answerHeaders?: (headers: IncomingHttpHeaders, status: number) => IncomingHttpHeaders;
}

export type Forward = (
  request: IncomingMessage,
  response: ServerResponse,
  options?: ForwardOptions,
) => void;

/** Decides what to do with one request: answer it, or call `forward` (the default). */
export type Intercept = (
  request: IncomingMessage,
  response: ServerResponse,
  forward: Forward,
) => void;

export interface RunningProxy {
  readonly host: string;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** A plain-HTTP proxy in front of a registry, on 127.0.0.1, to inject redirects and faults. */
export async function startProxy(
  target: string,
  intercept?: Intercept,
  hostname = '127.0.0.1',
): Promise<RunningProxy> {
  const requests: ProxiedRequest[] = [];
  const forward: Forward = (request, response, options = {}) => {
    const [host, port] = (options.target ?? target).split(':');
    const headers = { ...request.headers };
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    const upstream = httpRequest(
      { host, port: Number(port), method: request.method, path: request.url, headers },
      (answer) => {
        const status = answer.statusCode ?? 502;
        response.writeHead(
          status,
          options.answerHeaders
            ? options.answerHeaders({ ...answer.headers }, status)
            : answer.headers,
        );
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (options.cutAfter !== undefined && sent + chunk.length > options.cutAfter) {
            response.write(chunk.subarray(0, Math.max(0, options.cutAfter - sent)));
            sent = options.cutAfter;
            answer.destroy();
            response.socket?.destroy();
            return;
          }
          sent += chunk.length;
          response.write(chunk);
        });
        answer.on('end', () => response.end());
      },
    );
    upstream.on('error', () => response.socket?.destroy());
    const cut = options.cutRequestAfter;
    if (cut === undefined) {
      request.pipe(upstream);
      return;
    }
    let forwarded = 0;
    request.on('data', (chunk: Buffer) => {
      if (forwarded + chunk.length <= cut) {
        forwarded += chunk.length;
        upstream.write(chunk);
        return;
      }
      upstream.write(chunk.subarray(0, cut - forwarded), () => {
        upstream.destroy();
        request.socket.destroy();
      });
      forwarded = cut;
      request.pause();
    });
  };
  const server: Server = createServer((request, response) => {
    requests.push({
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      authorization: request.headers.authorization,
      range: request.headers.range,
      contentRange: request.headers['content-range'],
      contentLength: request.headers['content-length'],
    });
    if (intercept) intercept(request, response, forward);
    else forward(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, hostname, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `${hostname}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
