// The Open Inference Protocol (KServe v2, Triton's HTTP/REST API): the JSON bodies of its endpoints.

/** Tensor data types of the protocol; aekit models take and return FP32. */
export type InferDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** `GET /v2`. */
export interface ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

export interface TensorMetadata {
  name: string;
  datatype: InferDatatype;
  /** With the batch axis; -1 for a variable size. */
  shape: number[];
}

/** `GET /v2/models/{name}[/versions/{v}]`. */
export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export type Parameters = Record<string, string | number | boolean>;

export interface InferInputTensor {
  name: string;
  shape: number[];
  datatype: InferDatatype;
  parameters?: Parameters;
  /** Row-major values (flat, or nested arrays of the tensor's shape). */
  data: unknown[];
}

export interface InferRequestedOutput {
  name: string;
  parameters?: Parameters;
}

/** `POST /v2/models/{name}[/versions/{v}]/infer` body. */
export interface InferRequest {
  id?: string;
  parameters?: Parameters;
  inputs: InferInputTensor[];
  outputs?: InferRequestedOutput[];
}

export interface InferOutputTensor {
  name: string;
  shape: number[];
  datatype: InferDatatype;
  parameters?: Parameters;
  data: number[];
}

/** `POST .../infer` answer. */
export interface InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Parameters;
  outputs: InferOutputTensor[];
}

/** Every error answer: `{ "error": "..." }` with a 4xx or 5xx status. */
export interface ErrorResponse {
  error: string;
}
