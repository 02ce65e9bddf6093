export { AdminClient, segment, type Credentials } from './api-client.js';
export {
  addConnectionOptions,
  connect,
  withConnection,
  newPassword,
  type Connection,
  type ConnectionFlags,
} from './connection.js';
export { AdminClientError } from './errors.js';
