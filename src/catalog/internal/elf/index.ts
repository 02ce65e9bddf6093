export { isElf, parseElf, PT_LOAD, PF_W, PF_X, SHT_NOBITS, SHF_COMPRESSED } from './read-elf.js';
export type { ElfImage, ElfParse, ElfSection, ElfSegment } from './read-elf.js';
export {
  findSection,
  sectionBytes,
  sectionContents,
  readAtAddress,
  type SectionData,
} from './elf-data.js';
export { mayBeElfExecutable } from './may-be-elf.js';
export { fillElfHeaders } from './fill-headers.js';
export { readElfHead, type ElfHead } from './elf-head.js';
