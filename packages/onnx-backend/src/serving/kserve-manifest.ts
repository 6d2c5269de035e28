/** A Kubernetes object name (DNS-1123 label) made from any text: lowercase letters, digits and "-". */
export function dnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return label || 'aekit-models';
}

export interface KServeManifestOptions {
  /** The InferenceService's name (a DNS-1123 label). */
  name: string;
  /** Where the cluster finds the model repository (`s3://`, `gs://`, `pvc://`...). */
  storageUri: string;
  /** The models the repository holds (for the comment on how to call them). */
  models: readonly string[];
}

/**
 * A KServe `InferenceService` serving a Triton model repository of ONNX models over the Open Inference
 * Protocol (v2): `modelFormat: onnx`, `protocolVersion: v2`, the Triton runtime, the repository's URI.
 */
export function kserveManifest(options: KServeManifestOptions): string {
  const example = options.models[0] ?? 'MODEL';
  return `# KServe InferenceService for this Triton model repository (written by aekit).
# Copy the repository to the storage below first, then: kubectl apply -f kserve.yaml
# Models: ${options.models.join(', ')}
# Call: POST <service URL>/v2/models/${example}/infer (Open Inference Protocol v2)
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: ${dnsLabel(options.name)}
spec:
  predictor:
    model:
      modelFormat:
        name: onnx
      protocolVersion: v2
      runtime: kserve-tritonserver
      storageUri: ${JSON.stringify(options.storageUri)}
      resources:
        requests:
          cpu: "1"
          memory: 1Gi
        limits:
          cpu: "2"
          memory: 2Gi
`;
}
