export { npmPerson, personText } from './person.js';
