// Parses config.pbtxt files with Google's own protobuf text format parser (python3-protobuf, which python3-onnx
// installs) against the vendored model_config.proto: the parser Triton's C++ TextFormat matches, independent of
// the protobufjs text format that aekit writes and reads them with.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import descriptor from 'protobufjs/ext/descriptor.js';
import { modelConfigRoot } from '../serving/model-config.js';

const PYTHON = '/usr/bin/python3';

/** Why Google's text format parser cannot run here, or null when it can. Missing python3-protobuf fails in CI. */
export function tritonCheckerUnavailable(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'from google.protobuf import text_format, descriptor_pool'], {
      stdio: 'ignore',
    });
    return null;
  } catch {
    const reason = `${PYTHON} with google.protobuf is not installed (apt install python3-protobuf)`;
    if (process.env.CI) throw new Error(`the Triton config check must run in CI: ${reason}`);
    return reason;
  }
}

const SCRIPT = `
import json, sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format

def fix_map_entries(message):
    # protobufjs names a map's entry type after its field; protoc and the descriptor pool want <Field>Entry.
    for nested in message.nested_type:
        fix_map_entries(nested)
        if not nested.options.map_entry:
            continue
        for field in message.field:
            if field.type_name.split('.')[-1] == nested.name:
                entry = ''.join(p[:1].upper() + p[1:] for p in field.name.split('_')) + 'Entry'
                field.type_name = field.type_name[: len(field.type_name) - len(nested.name)] + entry
                nested.name = entry
                break

files = descriptor_pb2.FileDescriptorSet.FromString(open(sys.argv[1], 'rb').read())
pool = descriptor_pool.DescriptorPool()
for f in files.file:
    for m in f.message_type:
        fix_map_entries(m)
    pool.Add(f)
desc = pool.FindMessageTypeByName('inference.ModelConfig')
if hasattr(message_factory, 'GetMessageClass'):
    cls = message_factory.GetMessageClass(desc)
else:
    cls = message_factory.MessageFactory(pool).GetPrototype(desc)
out = []
for path in sys.argv[2:]:
    try:
        m = text_format.Parse(open(path).read(), cls())
        out.append({'ok': json_format.MessageToDict(m, preserving_proto_field_name=True)})
    except text_format.ParseError as e:
        out.append({'error': str(e)})
print(json.dumps(out))
`;

/**
 * Parses each text with `google.protobuf.text_format.Parse` into `inference.ModelConfig`; returns, per text,
 * the message as JSON (int64 fields as strings, as protobuf's JSON mapping writes them) or the parser's error.
 */
export function parseWithGoogleTextFormat(
  texts: readonly string[],
): ({ ok: Record<string, unknown> } | { error: string })[] {
  const dir = mkdtempSync(join(tmpdir(), 'aekit-triton-check-'));
  try {
    const set = modelConfigRoot().toDescriptor('proto3');
    const descriptorPath = join(dir, 'model_config.desc');
    writeFileSync(descriptorPath, descriptor.FileDescriptorSet.encode(set).finish());
    const paths = texts.map((text, i) => {
      const path = join(dir, `config-${i}.pbtxt`);
      writeFileSync(path, text);
      return path;
    });
    const out = execFileSync(PYTHON, ['-c', SCRIPT, descriptorPath, ...paths], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out) as ({ ok: Record<string, unknown> } | { error: string })[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
