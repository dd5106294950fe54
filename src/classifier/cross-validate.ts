import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from './model.ts';
import { crossValidateExamples, labelOf, loadLabelledFiles, stratifiedFolds, type Label, type TrainFromDirsOptions } from './train.ts';

export interface CrossValidationFolds {
  /** File (exactly as given) → the fold whose model must score it. */
  foldOf: Map<string, number>;
  /** Model file per fold, trained on every other fold. */
  modelPaths: string[];
  /** Removes the temporary model files. */
  cleanup: () => Promise<void>;
}

/**
 * For `medshield eval --cv K`: trains K fold models on the labelled files and writes them
 * to a temporary directory, so the full engine can scan each message with the
 * content-classifier configured to the one model that never saw that message.
 */
export async function crossValidationFolds(files: string[], k: number, opts: TrainFromDirsOptions = {}): Promise<CrossValidationFolds> {
  const all = files.map((path) => ({ path, label: labelOf(path) }));
  // Folds are dealt over every file, so a message the parser rejects (never trained on)
  // is still scanned in its fold rather than silently left out of the evaluation.
  const foldOf = stratifiedFolds(all, k, opts.seed ?? 1);
  const labelled = all.filter((f): f is { path: string; label: Label } => f.label !== null);
  const { examples } = await loadLabelledFiles(labelled, opts);
  const cv = crossValidateExamples(examples, k, opts, foldOf);
  const dir = await mkdtemp(join(tmpdir(), 'medshield-cv-'));
  const modelPaths = cv.folds.map((f) => {
    const path = join(dir, `fold-${f.fold}.json`);
    saveModel(f.model, path);
    return path;
  });
  return { foldOf, modelPaths, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
