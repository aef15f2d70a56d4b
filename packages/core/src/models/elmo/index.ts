/**
 * ELMo (Peters et al. 2018): a character CNN gives each word a context-independent vector, a
 * two-layer biLSTM language model reads the sentence forwards and backwards, and a task learns
 * how to mix the layers (ScalarMix: softmax-normalised weights a1, a2, ... times a gamma).
 *
 * This follows AllenNLP's `Elmo` / `_ElmoCharacterEncoder` / `ElmoLstm` / `LstmCellWithProjection`
 * (and the original bilm-tf graph they were ported from), so real AllenNLP checkpoints give the same
 * vectors. Weights are a plain object keyed by the names of AllenNLP's `weights.hdf5`, in the stored
 * TensorFlow layout (nothing is transposed or reordered at load time):
 *
 *   char_embed                                  [261, E]       row c = raw character id c (0 is added for masking)
 *   CNN/W_cnn_i, CNN/b_cnn_i                    [1, w, E, n], [n]   one per char_cnn.filters[i] = [w, n]
 *   CNN_high_k/W_carry, b_carry, W_transform, b_transform   [F, F], [F]   (F = sum of n)
 *   CNN_proj/W_proj, CNN_proj/b_proj            [F, P], [P]    (P = lstm.projection_dim)
 *   RNN_d/RNN/MultiRNNCell/Cell{l}/LSTMCell/W_0  [in + P, 4C]   d = 0 forward, 1 backward; gates i, j, f, o
 *   RNN_d/RNN/MultiRNNCell/Cell{l}/LSTMCell/B    [4C]           TF adds 1.0 to the forget gate at run time
 *   RNN_d/RNN/MultiRNNCell/Cell{l}/LSTMCell/W_P_0 [C, P]        (C = lstm.dim)
 *   softmax/W, softmax/b                        [V, P], [V]    only for language-model training
 *
 * Details that matter for parity: max over time THEN the activation in the CNN; the highway is
 * `carry * relu(x Wt + bt) + (1 - carry) * x` with `carry = sigmoid(x Wc + bc)` (AllenNLP stores the
 * same thing as `g * x + (1 - g) * f(x)` with negated carry weights); the memory cell is clipped before
 * `o * tanh(c)` and the projected state after the projection; no skip connection into the first layer;
 * the backward LSTM runs over each sentence reversed within its own length, from a zero state.
 *
 * Files: options.ts (options.json), weights.ts (names, shapes, initialisation), char-encoder.ts,
 * bilm.ts (the LSTMs and the pure forward function), scalar-mix.ts, elmo-model.ts (the LanguageModel).
 * The LM loss is in pretrain/elmo-loss.ts and the training batches in pretrain/elmo-data.ts.
 */
export { parseElmoOptions, type ElmoOptions } from './options.js';
export { checkElmoWeights, elmoNames, elmoVariables, elmoWeightShapes, initElmoWeights, type ElmoWeights } from './weights.js';
export { elmoForward, type ElmoOutputs } from './bilm.js';
export { scalarMix, ScalarMix } from './scalar-mix.js';
export { ElmoModel, type ElmoModelOptions, type ElmoRepresentations } from './elmo-model.js';
