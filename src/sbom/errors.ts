import { LockyardError } from '../errors/index.js';

export class SbomError extends LockyardError<'SBOM_INVALID' | 'SBOM_UNSUPPORTED'> {}
