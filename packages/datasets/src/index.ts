export {
  type SampleSet,
  selectSamples,
  shuffledBatches,
  shuffledIndices,
  subset,
  trainValidationSplit,
} from './batching.js';
export { BREAST_CANCER_FEATURES, type BreastCancerData, loadBreastCancer } from './breast-cancer.js';
export {
  DATASET_NAMES,
  DATASETS,
  type DatasetFile,
  type DatasetInfo,
  type DatasetName,
  type Split,
} from './catalog.js';
export {
  type ColorPatches,
  type ColorPatchOptions,
  loadColorPatches,
  type RgbImage,
  readJpeg,
  toGrayscale,
} from './color-patches.js';
export { fromColorResidual, toColorResidual } from './color-residual.js';
export {
  type BadRow,
  type CsvOptions,
  fitMinMax,
  loadCsv,
  type MinMaxScaler,
  minMaxScale,
  parseCsv,
  type TabularData,
} from './csv.js';
export { type DownloadOptions, downloadVerified, type ProgressCallback } from './download.js';
export { type EcgSeries, loadEcg } from './ecg.js';
export { type IdxData, readIdx, writeIdx } from './idx.js';
export type { DataSource, DataSourceKind, ImageDataset } from './image-dataset.js';
export {
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type DecodeImageOptions,
  decodeImage,
  imageChannels,
  readImageFile,
} from './image-decode.js';
export {
  type BadImage,
  type DecodedImageFiles,
  type DecodeImageFilesOptions,
  type DecodeProgress,
  decodeImageFiles,
} from './image-decode-pool.js';
export {
  coverResize,
  DEFAULT_FIT,
  FIT_POLICIES,
  type FitPolicy,
  fitImage,
} from './image-fit.js';
export {
  defaultMaxImageBytes,
  formatBytes,
  IMAGE_FILE_EXTENSIONS,
  type ImageFolder,
  type ImageFolderOptions,
  loadImageFolder,
  type SkippedImage,
} from './image-folder.js';
export { type ImageSampleOptions, prepareImage } from './image-prepare.js';
export { formatJsonArray, type JsonArray, parseJsonArray } from './json-array.js';
export {
  cacheDirFor,
  type LoadDatasetOptions,
  loadDataset,
  loadDatasetPair,
  sampleDir,
} from './load-dataset.js';
export {
  columnMeans,
  fillMissing,
  isMissingCell,
  MISSING_POLICIES,
  type MissingPolicy,
  type ResolvedMissing,
  resolveMissing,
  type TableSource,
} from './missing-values.js';
export { formatNpyShape, type NpyArray, readNpy, readNpz } from './npz.js';
export type { FileSource } from './packaged-data.js';
export { downscale, type UpscaleMethod, upscale } from './resample.js';
export { fitScaler, SCALER_TYPES, type ScalerType } from './scaler.js';
export { type WindowOptions, type Windows, windowSeries } from './series-windows.js';
