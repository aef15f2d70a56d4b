/** Which BERT parameters train when the embeddings and the first `frozenLayers` layers are frozen. */
export function bertTrainableAfterFreezing(frozenLayers: number): (name: string) => boolean {
  return (name) => {
    if (frozenLayers <= 0) return true;
    if (name.startsWith('embeddings.')) return false;
    const layer = /^encoder\.layer\.(\d+)\./.exec(name);
    return !layer || Number(layer[1]) >= frozenLayers;
  };
}
