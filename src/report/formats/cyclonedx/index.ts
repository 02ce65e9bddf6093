import type { SbomFormat } from '../../sbom-format.js';
import { buildBom, serializeBom } from './build-bom.js';

export { buildBom, serializeBom } from './build-bom.js';

/** CycloneDX 1.6 JSON, built with the official CycloneDX library. */
export const cyclonedxFormat: SbomFormat = {
  id: 'cyclonedx',
  displayName: 'CycloneDX 1.6 JSON',
  urls: ['https://cyclonedx.org/docs/1.6/json/'],
  mediaType: 'application/vnd.cyclonedx+json',
  renderSbom: (catalog, context) => serializeBom(buildBom(catalog, context)),
};
