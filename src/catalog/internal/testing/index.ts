export { buildZip, type ZipEntrySpec } from './zip-writer.js';
export { buildElf, type ElfSpec, type ElfSectionSpec } from './elf-writer.js';
