export { runVersioningContract, type VersioningContractCases } from './contract.js';
export { picker, seededRandom, pairsFrom, unique, type Picker } from './generate.js';
export {
  referenceAvailable,
  runBatch,
  toOrdering,
  disagreements,
  type Disagreement,
} from './reference.js';
export { readOsvArchive, readTarGz, osvVersions, type FeedAffected } from './feeds.js';
