/**
 * What a model needs from its repository, and the one kind of weights the workbench loads:
 * safetensors (and AllenNLP's hdf5). A PyTorch `pytorch_model.bin` is a pickle, and unpickling
 * can run any code the file's author put there, so such a repository is refused with a message
 * that points at the hub's own safetensors conversion when there is one: the pull request that
 * the hub's conversion bot opens (transformers looks for the same one, by its title).
 */
import { hubFetch, repoPath, revisionInfoUrl } from './http.js';
import type { HubSettings } from './settings.js';

/** Configs, vocabularies, sentencepiece models, safetensors and hdf5 weights; never pickles. */
export const MODEL_FILE_PATTERNS = ['*.json', '*.txt', '*.model', '*.safetensors', '*.hdf5'];

const LOADABLE_WEIGHTS = /\.(safetensors|hdf5)$/;
const PICKLE_WEIGHTS = /\.(bin|pt|pth|ckpt|pkl|pickle)$/;
const OTHER_WEIGHTS = /(^|\/)(tf_model\.h5|flax_model\.msgpack|rust_model\.ot)$|\.onnx$/;

/** The title of the pull requests that the hub's conversion bot (SFconvertbot) opens. */
const CONVERSION_PR_TITLE = 'Adding `safetensors` variant of this model';

interface Discussion {
  num: number;
  title: string;
  status: string;
  isPullRequest: boolean;
}

/** The number of an open safetensors-conversion pull request that really holds safetensors files. */
async function findSafetensorsConversion(settings: HubSettings, repoId: string): Promise<number | undefined> {
  try {
    const list = await hubFetch(settings, `${settings.endpoint}/api/models/${repoPath(repoId)}/discussions?p=0`, { timeoutSeconds: 10 });
    if (!list.ok) return undefined;
    const { discussions = [] } = (await list.json()) as { discussions?: Discussion[] };
    const candidates = discussions.filter((d) => d.isPullRequest && d.status === 'open' && d.title === CONVERSION_PR_TITLE);
    for (const pr of candidates.slice(0, 3)) {
      const info = await hubFetch(settings, revisionInfoUrl(settings, repoId, `refs/pr/${pr.num}`), { timeoutSeconds: 10 });
      if (!info.ok) continue;
      const { siblings = [] } = (await info.json()) as { siblings?: Array<{ rfilename: string }> };
      if (siblings.some((s) => s.rfilename.endsWith('.safetensors'))) return pr.num;
    }
  } catch {
    // The suggestion is a courtesy: without it the message still says what is wrong.
  }
  return undefined;
}

/**
 * Throws when the repository's weights (`files`: every file at the revision) are ones the
 * workbench will not load: pickles only, or only other frameworks' formats.
 */
export async function checkLoadableWeights(settings: HubSettings, repoId: string, revision: string, files: string[]): Promise<void> {
  if (files.some((f) => LOADABLE_WEIGHTS.test(f))) return;
  const pickles = files.filter((f) => PICKLE_WEIGHTS.test(f));
  const id = `${repoId}@${revision}`;
  if (pickles.length) {
    const pr = await findSafetensorsConversion(settings, repoId);
    throw new Error(
      `${id} has only PyTorch pickle weights (${pickles.join(', ')}). Loading a pickle can run arbitrary code, so the workbench ` +
        'loads safetensors only. ' +
        (pr !== undefined
          ? `The hub has a safetensors conversion of this model in pull request #${pr}: use ${repoId}@refs/pr/${pr}`
          : `No safetensors conversion is listed on the hub; convert it yourself (in Python: model.save_pretrained(dir, safe_serialization=True)) and load that folder`),
    );
  }
  const others = files.filter((f) => OTHER_WEIGHTS.test(f));
  if (others.length) {
    throw new Error(`${id} has no safetensors weights, only ${others.join(', ')}, which the workbench does not read; convert them to model.safetensors`);
  }
}
