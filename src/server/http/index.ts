export {
  acceptJsonBodies,
  errorBody,
  INTERNAL_ERROR_BODY,
  isFastifyError,
  sendFrameworkError,
} from './json-api.js';
