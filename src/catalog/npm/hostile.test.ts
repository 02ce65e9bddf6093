import { runHostileInputSuite } from '../testing/hostile-input.js';
import { npmCataloger } from './index.js';

runHostileInputSuite(npmCataloger, [
  'app/package-lock.json',
  'app/npm-shrinkwrap.json',
  'app/node_modules/.package-lock.json',
  'app/yarn.lock',
  'app/pnpm-lock.yaml',
  'app/node_modules/x/package.json',
]);
