export { buildZip, type ZipEntrySpec } from './zip-writer.js';
