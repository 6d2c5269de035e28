export { KnnDetector, type KnnDetectorOptions } from './knn.js';
export { Pca, type PcaOptions } from './pca.js';
