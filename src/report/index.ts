export type { SbomFormat, RenderContext } from './sbom-format.js';
export { sbomFormats } from './api.js';
export { renderTable } from './formats/table/index.js';
