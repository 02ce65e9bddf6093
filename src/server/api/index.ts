export { registerAdminApi } from './api-plugin.js';
