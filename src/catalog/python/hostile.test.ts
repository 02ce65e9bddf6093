import { runHostileInputSuite } from '../testing/hostile-input.js';
import { pythonCataloger } from './index.js';

runHostileInputSuite(pythonCataloger, [
  'usr/lib/python3/site-packages/x-1.0-py3.11.egg',
  'a/x-1.dist-info/METADATA',
  'a/x.egg-info',
  'app/requirements.txt',
  'app/Pipfile.lock',
  'app/poetry.lock',
  'app/uv.lock',
]);
