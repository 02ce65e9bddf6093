import { Command } from 'commander';
import type { ConfigFlags } from '../../server/index.js';
import type { CliContext } from '../context.js';

interface ServerFlags {
  readonly config?: string;
  readonly dataDir?: string;
  readonly listen?: string;
  readonly insecureHttp?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsDev?: boolean;
}

export function serverCommand(context: CliContext): Command {
  return new Command('server')
    .description('Run the Lockyard server: a private OCI registry (distribution-spec v1.1)')
    .option(
      '-c, --config <file>',
      'YAML config file (lockyard.yaml); every key also settable as LOCKYARD_<KEY>',
    )
    .option('--data-dir <dir>', 'data directory (default $LOCKYARD_DATA_DIR or ~/.lockyard)')
    .option(
      '--listen <host:port>',
      'address to listen on; port 0 picks a free port (default 127.0.0.1:5000)',
    )
    .option('--tls-cert <file>', 'TLS certificate chain (PEM)')
    .option('--tls-key <file>', 'TLS private key (PEM)')
    .option('--tls-dev', 'serve HTTPS with a self-signed development CA kept in the data directory')
    .option('--insecure-http', 'serve plain HTTP (allowed only on a loopback address)')
    .action(async (flags: ServerFlags) => {
      // The server and its libraries load on use, so other commands start fast.
      const [{ pino }, { loadServerConfig, startServer }, { resolveDataDir }] = await Promise.all([
        import('pino'),
        import('../../server/index.js'),
        import('../../store/index.js'),
      ]);
      const given: ConfigFlags = {
        ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
        ...(flags.listen === undefined ? {} : { listen: flags.listen }),
        ...(flags.tlsCert === undefined ? {} : { tlsCert: flags.tlsCert }),
        ...(flags.tlsKey === undefined ? {} : { tlsKey: flags.tlsKey }),
        ...(flags.tlsDev ? { tlsDev: true } : {}),
        ...(flags.insecureHttp ? { insecureHttp: true } : {}),
      };
      const config = loadServerConfig({
        ...(flags.config === undefined ? {} : { file: flags.config }),
        env: context.env,
        flags: given,
      });
      const dataDir = resolveDataDir(config.dataDir);
      // JSON logs go to stderr; stdout carries only the lines a person or a test script reads.
      const logger = pino({ level: config.logLevel }, pino.destination({ fd: 2, sync: false }));
      const server = await startServer(config, dataDir, logger);
      if (server.devTrustDir) {
        context.stdout.write(
          `lockyard server: development CA in ${server.devTrustDir}/ca.crt; trust it with skopeo --cert-dir ${server.devTrustDir}, ` +
            `or copy it to /etc/containers/certs.d/<host:port>/ca.crt for podman\n`,
        );
      }
      // Last, so a script that waits for this line has everything printed before it.
      context.stdout.write(`lockyard server: listening on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
