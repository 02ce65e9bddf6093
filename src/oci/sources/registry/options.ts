/** How to reach registries: credentials and transport choices, from flags and docker config. */
export interface RegistryOptions {
  /** Hosts (`host[:port]`) to reach over plain HTTP; never applied to other hosts. */
  readonly insecureHosts?: readonly string[];
  /** Explicit credentials (from `--username` + `--password-stdin`), for every host. */
  readonly username?: string;
  readonly password?: string;
  /**
   * The one credentials file to read (a docker `config.json` or a containers `auth.json`). Default:
   * `defaultCredentialFiles()`, podman's auth file then docker's `config.json`.
   */
  readonly dockerConfigPath?: string;
  /** Extra CA certificates (PEM) to trust for TLS. */
  readonly caCertificates?: readonly string[];
  /** Progress callback for blob downloads and uploads (bytes so far of `total`). */
  readonly onProgress?: (event: {
    digest: string;
    bytes: number;
    total: number | undefined;
  }) => void;
  /** Retries of idempotent requests on 429, 5xx and broken connections (default 4, from 250 ms doubling). */
  readonly retries?: { readonly attempts?: number; readonly baseDelayMs?: number };
}
