export type { SecretMatch } from './types.js';
export { maskSecrets, scanText } from './scan-text.js';
export { namedSecret } from './named-secret.js';
export { secretRules } from './rules/index.js';
export { secretAnalyzer } from './secret-analyzer.js';
export { skipForSecrets } from './skip.js';
export { scanImageConfig } from './image-config.js';
