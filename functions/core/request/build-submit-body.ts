import { MODEL_FAMILIES, type ModelFamily } from '../models/families.js';
import type { VideoRequest } from './video-request.js';

/** The JSON body of `POST /v1/videos`, shaped for the request's model family. */
export type SubmitBody = Record<string, unknown> & { model: string; prompt: string };

/** The one request builder: a validated `VideoRequest` → the body its family expects. */
export function buildSubmitBody(
  request: VideoRequest,
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): SubmitBody {
  // The request names its family; the family must also claim the model (a request that says
  // `veo` for `sora-2` was not made by the validator).
  const family = families.find((candidate) => candidate.id === request.family);
  if (!family?.idPattern.test(request.model))
    throw new Error(`No model family for validated model ${request.model} (family ${request.family})`);
  const { fields } = family;

  const body: SubmitBody = { model: request.model, prompt: request.prompt };
  const metadata: Record<string, unknown> = {};

  body[fields.duration] = request.duration;
  body[fields.resolution] =
    family.resolutionCase === 'upper' ? request.resolution.toUpperCase() : request.resolution;
  if (fields.ratio.at === 'top') body[fields.ratio.name] = request.ratio;
  else metadata[fields.ratio.name] = request.ratio;

  if (request.images.length > 0)
    body[fields.image.name] = fields.image.many ? [...request.images] : request.images[0];
  if (request.lastFrame && fields.lastFrame) body[fields.lastFrame] = request.lastFrame;
  if (request.references.length > 0 && fields.references) body[fields.references] = [...request.references];

  if (request.negativePrompt && fields.negativePrompt) body.negative_prompt = request.negativePrompt;
  if (request.seed !== undefined && fields.seed) body.seed = request.seed;
  if (request.audio !== undefined && fields.audio) body.generate_audio = request.audio;

  if (Object.keys(metadata).length > 0) body.metadata = metadata;
  return body;
}
