import { runHostileInputSuite } from '../testing/hostile-input.js';
import { rubyCataloger } from './index.js';

runHostileInputSuite(rubyCataloger, ['gems/specifications/x-1.gemspec', 'app/Gemfile.lock']);
