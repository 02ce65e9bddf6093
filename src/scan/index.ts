export { catalogImage, type CatalogImageOptions } from './catalog-image.js';
