export type { Finding, FindingPackage, FindingStatus, CvssScore } from './finding.js';
export { createMatcher, type Matcher, type MatchOptions, type MatchResult } from './matcher.js';
export { lookupKey, distroEcosystem, type LookupKey } from './ecosystem.js';
export { decideSeverity, severityOfScore, severityOfLabel, cvssScores } from './severity.js';
export { toMatchInput, type MatchInput, type MatchPackage } from './match-input.js';
export { PackageKeyTable, rescan, type RescanResult } from './rescan.js';
export { osEndOfLife } from './end-of-life.js';
