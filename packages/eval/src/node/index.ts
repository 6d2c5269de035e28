export { loadDetectorFile, saveDetector } from './detector-file-io.js';
