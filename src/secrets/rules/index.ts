import type { Rule } from '../../rules/index.js';
import type { SecretInput, SecretMatch } from '../types.js';
import { awsAccessKeyId, awsSecretAccessKey, gcpServiceAccount } from './cloud.js';
import { genericPassword, privateKey } from './keys-and-passwords.js';
import {
  githubFineGrainedToken,
  githubToken,
  gitlabToken,
  jsonWebToken,
  slackToken,
  slackWebhook,
} from './tokens.js';

/** Every secret rule, explicitly. */
export const secretRules: readonly Rule<SecretInput, SecretMatch>[] = [
  awsAccessKeyId,
  awsSecretAccessKey,
  gcpServiceAccount,
  githubToken,
  githubFineGrainedToken,
  gitlabToken,
  slackToken,
  slackWebhook,
  privateKey,
  jsonWebToken,
  genericPassword,
];
