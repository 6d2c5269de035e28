// Side effect: registers the tfjs training backend in core's `trainingBackends` under 'tfjs'.
import { trainingBackends } from '@aekit/core';
import { createTfjsBackend } from './tfjs-backend.js';
import { TFJS_BACKEND_NAME } from './tfjs-model.js';

/** Priority of the 'tfjs' entry in `trainingBackends`. */
export const TFJS_BACKEND_PRIORITY = 10;

/** The backend instance registered as 'tfjs' (device from AEKIT_DEVICE or 'auto'). */
export const tfjsBackend = createTfjsBackend();

trainingBackends.register(TFJS_BACKEND_NAME, tfjsBackend, TFJS_BACKEND_PRIORITY);
