export type { SecretMatch } from './types.js';
export { scanText } from './scan-text.js';
export { secretRules } from './rules/index.js';
export { secretAnalyzer } from './secret-analyzer.js';
export { skipForSecrets } from './skip.js';
