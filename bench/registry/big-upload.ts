import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

const CHUNK = randomBytes(1 << 20);

/** The digest of `mib` repetitions of the 1 MiB pattern (computed once, before timing). */
export function patternDigest(mib: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < mib; i += 1) hash.update(CHUNK);
  return `sha256:${hash.digest('hex')}`;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(?<kb>\d+) kB/m.exec(status)?.groups?.['kb'];
  return Number(kb) / 1024;
}

export interface UploadRss {
  readonly seconds: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly rssAfterMb: number;
}

/**
 * Streams a `mib` MiB blob in one PATCH (POST, PATCH, PUT ?digest, which both registries
 * support) with backpressure, sampling the server's RSS every 100 ms.
 */
export async function uploadLargeBlob(
  base: string,
  repository: string,
  mib: number,
  digest: string,
  pid: number,
): Promise<UploadRss> {
  const rssBeforeMb = rssMb(pid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => {
    rssPeakMb = Math.max(rssPeakMb, rssMb(pid));
  }, 100);
  const started = performance.now();
  try {
    const post = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    const location = new URL(post.headers.get('location') ?? '', base);
    const patched = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: location.hostname,
          port: location.port,
          path: `${location.pathname}${location.search}`,
          method: 'PATCH',
          headers: {
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(mib * CHUNK.length),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 202) resolve(res.headers.location ?? '');
            else reject(new Error(`PATCH answered ${res.statusCode}`));
          });
        },
      );
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < mib) {
          sent += 1;
          if (!req.write(CHUNK)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    const finish = new URL(patched, base);
    finish.searchParams.set('digest', digest);
    const put = await fetch(finish, { method: 'PUT' });
    if (put.status !== 201) throw new Error(`PUT answered ${put.status}: ${await put.text()}`);
  } finally {
    clearInterval(sampler);
  }
  return {
    seconds: (performance.now() - started) / 1000,
    rssBeforeMb,
    rssPeakMb,
    rssAfterMb: rssMb(pid),
  };
}
