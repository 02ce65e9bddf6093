import { LockyardError } from '../../errors/index.js';

export type RegistryMetadataErrorCode = 'SCHEMA_TOO_NEW' | 'DATABASE_ERROR';

export class RegistryMetadataError extends LockyardError<RegistryMetadataErrorCode> {}
