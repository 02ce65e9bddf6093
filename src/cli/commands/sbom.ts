import { Command } from 'commander';
import { formatOption, SBOM_FORMAT_IDS } from '../format-ids.js';
import type { CliContext } from '../context.js';
import {
  addImageOptions,
  platformMismatch,
  resolveImageFlags,
  type ImageFlags,
} from '../image-options.js';
import { writeOutput } from '../output.js';
import { createCatalogProgress } from '../progress.js';
import { VERSION } from '../../product/index.js';

interface SbomFlags extends ImageFlags {
  readonly format: string;
  readonly output?: string;
}

export function sbomCommand(context: CliContext): Command {
  const command = new Command('sbom')
    .description('List what is inside an image: OS and language packages, as an SBOM')
    .argument(
      '<image>',
      'docker-archive tar, OCI layout dir, root fs dir, or registry reference (prefixes oci:, docker-archive:, dir:, registry: force a kind)',
    )
    .addOption(formatOption(SBOM_FORMAT_IDS))
    .option('-o, --output <file>', 'write to a file instead of standard output');
  addImageOptions(command);
  command.action(async (image: string, flags: SbomFlags, cmd: Command) => {
    const quiet = Boolean(cmd.optsWithGlobals()['quiet']);
    // Workflows load on use: `lockyard --help` should not pay for every library.
    const [{ sbomFormats }, { catalogImage }] = await Promise.all([
      import('../../report/index.js'),
      import('../../catalog/index.js'),
    ]);
    const render = sbomFormats.get(flags.format)?.renderSbom;
    if (!render) throw new Error(`format ${flags.format} cannot render an SBOM`);
    const resolved = await resolveImageFlags(image, flags, context);
    const progress = createCatalogProgress(context.stderr, !quiet);
    try {
      const catalog = await catalogImage(image, {
        ...resolved,
        registry: { ...resolved.registry, onProgress: progress.onDownload },
        onProgress: progress.onProgress,
      });
      for (const warning of catalog.warnings) context.logger.warn(warning);
      const mismatch = await platformMismatch(image, resolved.platform, catalog.image.platform);
      if (mismatch) context.logger.warn(mismatch);
      const text = render(catalog, { toolName: 'lockyard', toolVersion: VERSION, now: new Date() });
      await writeOutput(context, flags.output, text);
    } finally {
      progress.done();
    }
  });
  return command;
}
