import type { Rule } from '../../rules/index.js';
import type { ImageCheckFinding, ImageCheckInput } from '../types.js';
import {
  sshdInstalled,
  setuidFiles,
  sudoInstalled,
  worldWritableOnPath,
} from './packages-and-files.js';
import { addFromUrl, secretsInEnv, secretsInHistory } from './secrets-in-config.js';
import { imageTooOld, noHealthcheck, runsAsRoot, sshPortExposed } from './user-and-ports.js';

/** Every image check, explicitly, in id order. */
export const imageRules: readonly Rule<ImageCheckInput, ImageCheckFinding>[] = [
  runsAsRoot,
  secretsInEnv,
  secretsInHistory,
  addFromUrl,
  sshdInstalled,
  sudoInstalled,
  setuidFiles,
  worldWritableOnPath,
  sshPortExposed,
  noHealthcheck,
  imageTooOld,
];
