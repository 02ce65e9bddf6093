export { RecordingSink, type RecordedSkip } from './recording-sink.js';
export { runAdvisorySourceContract, type SourceContractOptions } from './source-contract.js';
export { python } from './python.js';
