import { secretRule } from '../secret-rule.js';

export const awsAccessKeyId = secretRule({
  id: 'aws-access-key-id',
  category: 'AWS',
  title: 'AWS access key ID',
  severity: 'CRITICAL',
  keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
  pattern: /(?<![A-Z0-9])(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])/,
  accept: (secret) => !secret.endsWith('EXAMPLE'),
});

export const awsSecretAccessKey = secretRule({
  id: 'aws-secret-access-key',
  category: 'AWS',
  title: 'AWS secret access key',
  severity: 'CRITICAL',
  keywords: ['aws', 'AWS'],
  pattern:
    /aws_?(?:secret)?_?(?:access)?_?key["'\s]*[:=]\s*["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i,
  accept: (secret) => !/EXAMPLEKEY$/.test(secret),
});

export const gcpServiceAccount = secretRule({
  id: 'gcp-service-account',
  category: 'Google',
  title: 'GCP service account private key',
  severity: 'CRITICAL',
  keywords: ['service_account'],
  pattern:
    /"private_key"\s*:\s*"(?<secret>-----BEGIN PRIVATE KEY-----[^"]{64,}?-----END PRIVATE KEY-----(?:\\n)?)"/,
});
