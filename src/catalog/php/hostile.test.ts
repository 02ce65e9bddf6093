import { runHostileInputSuite } from '../testing/hostile-input.js';
import { phpCataloger } from './index.js';

runHostileInputSuite(phpCataloger, ['vendor/composer/installed.json', 'app/composer.lock']);
