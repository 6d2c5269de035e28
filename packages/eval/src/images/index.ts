export { cropPng, type DecodedImage } from './crop-png.js';
export { encodePng } from './encode-png.js';
export { type GridPixels, type ImageGridOptions, imageGrid, imageGridPixels } from './image-grid.js';
export { writePng } from './write-png.js';
