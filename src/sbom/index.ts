export { SbomError } from './errors.js';
export { parseSbom, readSbom, looksLikeSbom } from './read-sbom.js';
export { recordFromPurl } from './from-purl.js';
