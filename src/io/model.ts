import { readFileSync } from 'node:fs';
import { type Encoding, MODEL_VERSION, type SavedModel, widthOf } from '../core/case-mix.js';
import { inputError } from '../errors.js';

/*
 * A model saved by nps expected --save-model, read back whole and checked for what it claims to be:
 * its features, their encodings and each outcome's coefficients, one per term.
 */

export function readModel(file: string): SavedModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw inputError(
      `cannot read the model ${file}: ${(err as Error).message}`,
      'save one with nps expected --save-model',
    );
  }
  const refit = 'save it again with nps expected --save-model';
  let model: SavedModel;
  try {
    model = JSON.parse(text);
  } catch {
    throw inputError(`${file} is not a model: it is not JSON`, refit);
  }
  if (typeof model !== 'object' || model === null || model.format !== 'npskit-model')
    throw inputError(`${file} is not a model saved by nps expected: it is some other JSON`, refit);
  if (model.version !== MODEL_VERSION)
    throw inputError(
      `${file} is a model of version ${JSON.stringify(model.version)}; this nps reads version ${MODEL_VERSION}`,
      refit,
    );
  const { features, encodings, models, training } = model;
  const shaped = (e: Encoding) => (e?.kind === 'numeric' ? Array.isArray(e.edges) : Array.isArray(e?.kept));
  const terms =
    Array.isArray(encodings) && encodings.every(shaped)
      ? encodings.reduce((sum, e) => sum + widthOf(e), 1)
      : Number.NaN;
  const whole =
    Array.isArray(features) &&
    features.every((f) => typeof f === 'string') &&
    Array.isArray(encodings) &&
    encodings.length === features.length &&
    Array.isArray(models) &&
    models.length === 2 &&
    models.every(
      (m) => Array.isArray(m.coefficients) && m.coefficients.length === terms && m.coefficients.every(Number.isFinite),
    ) &&
    Array.isArray(training?.rates) &&
    training.rates.length === 2 &&
    Array.isArray(training?.shares) &&
    training.shares.length === features.length;
  if (!whole) throw inputError(`${file} is a damaged model: its features, terms and coefficients do not agree`, refit);
  return model;
}
