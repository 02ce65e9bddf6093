import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

/**
 * bzip2 decoding in JavaScript is the slowest step of importing a Debian OVAL file (about two
 * thirds of it). For a plain .bz2 file it runs in a worker thread, so decoding and parsing use
 * two cores. The worker reads the file itself and hands decoded blocks over without copying;
 * it stops reading while MAX_IN_FLIGHT blocks wait to be consumed, so memory stays bounded.
 *
 * The worker is inline CommonJS (unbzip2-stream is CommonJS): the same code then runs from the
 * TypeScript sources under the test runner and from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const bz2 = require(workerData.module);
const MAX_IN_FLIGHT = 4;
let inFlight = 0;
const file = createReadStream(workerData.path, { highWaterMark: 256 * 1024 });
const output = file.pipe(bz2());
const fail = (error) => {
  parentPort.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  file.destroy();
};
file.on('error', fail);
output.on('error', fail);
output.on('data', (chunk) => {
  const copy = new Uint8Array(chunk);
  parentPort.postMessage({ type: 'data', buffer: copy.buffer }, [copy.buffer]);
  inFlight += 1;
  if (inFlight >= MAX_IN_FLIGHT) output.pause();
});
output.on('end', () => parentPort.postMessage({ type: 'end' }));
parentPort.on('message', () => {
  inFlight -= 1;
  if (inFlight < MAX_IN_FLIGHT) output.resume();
});
`;

type WorkerMessage =
  { type: 'data'; buffer: ArrayBuffer } | { type: 'end' } | { type: 'error'; message: string };

const moduleRequire = createRequire(import.meta.url);

/** A Readable of the decompressed content of a bzip2 file, decoded in a worker thread. */
export function bzip2FileStream(path: string): Readable {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, module: moduleRequire.resolve('unbzip2-stream') },
  });
  let owed = 0;
  let finished = false;
  const readable = new Readable({
    highWaterMark: 1024 * 1024,
    read() {
      // The consumer wants more: acknowledge the blocks held back while it was busy.
      for (; owed > 0; owed -= 1) worker.postMessage('ack');
    },
    destroy(error, callback) {
      void worker.terminate().then(
        () => {
          callback(error);
        },
        () => {
          callback(error);
        },
      );
    },
  });
  worker.on('message', (message: WorkerMessage) => {
    switch (message.type) {
      case 'data':
        if (readable.push(Buffer.from(message.buffer))) worker.postMessage('ack');
        else owed += 1;
        break;
      case 'end':
        finished = true;
        readable.push(null);
        void worker.terminate();
        break;
      case 'error':
        readable.destroy(new Error(message.message));
        break;
    }
  });
  worker.on('error', (error) => readable.destroy(error));
  worker.on('exit', () => {
    if (!finished && !readable.destroyed)
      readable.destroy(new Error('bzip2 worker stopped before the end of the stream'));
  });
  return readable;
}
