import { secretRule } from '../secret-rule.js';

export const githubToken = secretRule({
  id: 'github-token',
  category: 'GitHub',
  title: 'GitHub token',
  severity: 'CRITICAL',
  keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  pattern: /(?<![A-Za-z0-9_])(?<secret>gh[pousr]_[A-Za-z0-9]{36,255})(?![A-Za-z0-9])/,
});

export const githubFineGrainedToken = secretRule({
  id: 'github-fine-grained-token',
  category: 'GitHub',
  title: 'GitHub fine-grained personal access token',
  severity: 'CRITICAL',
  keywords: ['github_pat_'],
  pattern: /(?<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9])/,
});

export const gitlabToken = secretRule({
  id: 'gitlab-token',
  category: 'GitLab',
  title: 'GitLab personal access token',
  severity: 'CRITICAL',
  keywords: ['glpat-'],
  pattern: /(?<secret>glpat-[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/,
});

export const slackToken = secretRule({
  id: 'slack-token',
  category: 'Slack',
  title: 'Slack token',
  severity: 'HIGH',
  keywords: ['xox'],
  pattern: /(?<![A-Za-z0-9])(?<secret>xox[baprs]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,})(?![A-Za-z0-9-])/,
});

export const slackWebhook = secretRule({
  id: 'slack-webhook',
  category: 'Slack',
  title: 'Slack incoming webhook URL',
  severity: 'MEDIUM',
  keywords: ['hooks.slack.com'],
  pattern:
    /(?<secret>https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,})/,
});

export const jsonWebToken = secretRule({
  id: 'jwt',
  category: 'JWT',
  title: 'JSON Web Token',
  severity: 'MEDIUM',
  keywords: ['eyJ'],
  pattern:
    /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})(?![A-Za-z0-9_-])/,
});
