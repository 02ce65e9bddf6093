export { npmPerson, objectPerson, personText } from './person.js';
