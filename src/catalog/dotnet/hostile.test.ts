import { runHostileInputSuite } from '../testing/hostile-input.js';
import { dotnetCataloger } from './index.js';

runHostileInputSuite(dotnetCataloger, ['app/x.deps.json', 'app/packages.lock.json']);
