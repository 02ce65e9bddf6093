export {
  repoRoot,
  sharedFixturesRoot,
  sharedFixture,
  localFixture,
  readSharedFixture,
  bookwormOval,
} from './fixtures.js';
export { useTempDir } from './temp-dir.js';
export { makeTlsFiles, selfSignedCertificate } from './tls-files.js';
export { catalogFiles, catalogImageDir } from './catalog-helpers.js';
export { runCli, type CliResult } from './run-cli.js';
export { dependencyEdges, packageLabel } from './dependency-edges.js';
