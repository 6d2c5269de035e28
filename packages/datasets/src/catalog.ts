/** The named image datasets `loadDataset` knows: their files, checksums, mirrors and class names. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
export type Split = 'train' | 'test';

/** One original file: its canonical name and the checksums of the published `.gz`. */
export interface DatasetFile {
  readonly file: string;
  /** md5 of the published .gz, as listed by the dataset's authors. */
  readonly md5: string;
  /** sha256 of the published .gz, where computed from a local file whose md5 matched the published one. */
  readonly sha256?: string;
}

export interface DatasetInfo {
  readonly name: DatasetName;
  readonly classNames: readonly string[];
  /** Base URL the original files are downloaded from (the file name is appended). */
  readonly mirror: string;
  /** Where a Debian-style system package installs the files. */
  readonly systemDir: string;
  readonly license: string;
  readonly files: Readonly<Record<Split, { images: DatasetFile; labels: DatasetFile }>>;
}

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  mnist: {
    name: 'mnist',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    mirror: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    systemDir: '/usr/share/datasets/mnist',
    license: 'CC BY-SA 3.0 (Yann LeCun, Corinna Cortes, Christopher J.C. Burges)',
    files: {
      train: {
        images: { file: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
        labels: { file: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
      },
      test: {
        images: {
          file: 't10k-images-idx3-ubyte.gz',
          md5: '9fb629c4189551a2d022fa330f9573f3',
          sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
        },
        labels: {
          file: 't10k-labels-idx1-ubyte.gz',
          md5: 'ec29112dd5afa0611ce80d1b7f02629c',
          sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
        },
      },
    },
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    classNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
    mirror: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    systemDir: '/usr/share/datasets/fashion-mnist',
    license: 'MIT (Zalando SE)',
    // Debian's dataset-fashion-mnist recompresses the .gz files (same pixels, other gzip bytes), so only the
    // published md5 is known here; it is checked on download, not on files found on disk.
    files: {
      train: {
        images: { file: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
        labels: { file: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
      },
      test: {
        images: { file: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
        labels: { file: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
      },
    },
  },
};
