/** ONNX IR version of every export (ONNX 1.12's IR_VERSION; read by onnxruntime 1.14 and newer). */
export const ONNX_IR_VERSION = 8;
/** Opset of the default ONNX domain that every export targets. */
export const ONNX_OPSET = 17;
/** The ONNX release whose `onnx.proto` the builders are generated from (proto/onnx.proto). */
export const ONNX_SCHEMA_RELEASE = '1.12.0';
/** Version of aekit written into each export's metadata; a test keeps it equal to package.json's. */
export const AEKIT_VERSION = '0.1.0';
