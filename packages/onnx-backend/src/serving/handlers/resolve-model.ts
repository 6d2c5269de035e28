import type { ServedModel, ServedVersion } from '../served-model.js';
import { InferenceServerError } from '../serving-error.js';
import type { RouteParams, ServingContext } from './context.js';

/** The model and version a route names; 404 naming what this server has when either is unknown. */
export function resolveModel(
  ctx: ServingContext,
  params: RouteParams,
): { model: ServedModel; version: ServedVersion } {
  const name = params.name ?? '';
  const model = ctx.models.get(name);
  if (!model) {
    throw new InferenceServerError(
      404,
      `unknown model "${name}"; this server has ${[...ctx.models.keys()].map((n) => `"${n}"`).join(', ')}`,
    );
  }
  if (params.version === undefined || params.version === '') return { model, version: model.latest };
  const version = /^[0-9]+$/.test(params.version) ? model.versions.get(Number(params.version)) : undefined;
  if (!version) {
    throw new InferenceServerError(
      404,
      `model "${name}" has no version "${params.version}"; served versions: ${[...model.versions.keys()].join(', ')}`,
    );
  }
  return { model, version };
}
