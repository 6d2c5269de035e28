import { DEVICE_NAMES, type Device } from '@aekit/core';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  startInferenceServer,
} from '@aekit/onnx-backend';
import { type Command, Option } from 'commander';
import { getIo } from '../io.js';
import { choiceOption, intOption } from '../parse-options.js';

interface ServeOptions {
  modelRepository: string;
  port: number;
  host: string;
  device: Device;
  dynamicBatching: boolean;
  maxBodyMb: number;
  timeoutMs: number;
}

/**
 * `aekit serve`: the Open Inference Protocol (v2, HTTP/JSON) for every model of a Triton model repository, on
 * ONNX Runtime. Runs until SIGTERM or SIGINT, then finishes the requests in flight and exits 0.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve a Triton model repository over the Open Inference Protocol (v2) with ONNX Runtime')
    .requiredOption('--model-repository <dir>', 'the repository (from "aekit export --format triton")')
    .option('--port <n>', 'TCP port (0: any free port)', intOption('--port', 0, 65535), 8000)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--device <device>', `ONNX Runtime device: ${DEVICE_NAMES.join(', ')}`)
        .argParser(choiceOption('--device', DEVICE_NAMES))
        .default('cpu'),
    )
    .option('--no-dynamic-batching', "run every request on its own (ignore the configs' dynamic_batching)")
    .option(
      '--max-body-mb <n>',
      'largest request body in MiB (larger: 413)',
      intOption('--max-body-mb', 1, 1024),
      DEFAULT_MAX_BODY_BYTES / 2 ** 20,
    )
    .option(
      '--timeout-ms <n>',
      'longest a request may take, body included (slower: 504)',
      intOption('--timeout-ms', 100),
      DEFAULT_REQUEST_TIMEOUT_MS,
    )
    .action(async (options: ServeOptions) => {
      const io = getIo();
      const server = await startInferenceServer({
        repository: options.modelRepository,
        host: options.host,
        port: options.port,
        device: options.device,
        dynamicBatching: options.dynamicBatching,
        maxBodyBytes: options.maxBodyMb * 2 ** 20,
        requestTimeoutMs: options.timeoutMs,
        log: (line) => io.out(line),
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          server.log({ level: 'info', event: 'shutdown', signal, inFlight: server.metrics.inFlight });
          void server.close().then(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
