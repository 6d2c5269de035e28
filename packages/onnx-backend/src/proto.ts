// Typed protobufjs builders generated from the official onnx.proto (see scripts/generate-proto.mjs).
export { onnx } from './generated/onnx.js';
