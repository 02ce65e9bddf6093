export { defineRule, severityRank, SEVERITIES, type Rule, type Severity } from './define-rule.js';
